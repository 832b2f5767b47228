import { z } from "zod";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findModelByName } from "@/db/queries/models";
import { findKey, insertKey, listKeys, revokeKeyRow } from "@/db/queries/virtual-keys";
import { issueToken } from "@/server/crypto/tokens";
import { can } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

/** Public input: what a console form or POST /api/admin/keys may set. */
export const createKeyInputSchema = z.object({
  name: z.string().trim().min(1, "name is required").max(100),
  models: z.array(z.string().trim().min(1)).max(200).nullish(),
  expires_at: z.iso.datetime({ offset: true }).nullish(),
  team_id: z.uuid().nullish(),
  metadata: z.record(z.string(), z.string().max(500)).nullish(),
});
export type CreateKeyInput = z.infer<typeof createKeyInputSchema>;

export type KeyView = Awaited<ReturnType<typeof listKeys>>[number];

export async function createVirtualKey(db: Database, actor: Actor, input: CreateKeyInput): Promise<ServiceResult<KeyView & { key: string }>> {
  if (!can(actor.role, "keys:write") && !can(actor.role, "keys:write-own")) return failure({ code: "forbidden", message: "Your role cannot create keys." });
  const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
  if (expiresAt && expiresAt.getTime() <= Date.now()) return failure({ code: "invalid", message: "expires_at must be in the future", field: "expires_at" });
  const models = input.models ? [...new Set(input.models)] : null;
  for (const name of models ?? []) {
    if (!(await findModelByName(db, actor.orgId, name))) return failure({ code: "invalid", message: `Unknown model: ${name}`, field: "models" });
  }
  const issued = issueToken("vk");
  const row = await db.transaction(async (tx) => {
    const created = await insertKey(tx, {
      orgId: actor.orgId,
      teamId: input.team_id ?? null,
      userId: actor.userId ?? null,
      name: input.name,
      keyPrefix: issued.prefix,
      keyHash: issued.hash,
      allowedModels: models,
      expiresAt,
      metadata: input.metadata ?? {},
      createdBy: actor.id,
    });
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "key.create", targetType: "virtual_key", targetId: created.id, after: created });
    await notifyConfigChanged(tx, "keys");
    return created;
  });
  return ok({ ...row, key: issued.token });
}

export async function listVirtualKeys(db: Database, actor: Actor): Promise<ServiceResult<KeyView[]>> {
  if (!can(actor.role, "keys:read")) return failure({ code: "forbidden", message: "Your role cannot list keys." });
  if (can(actor.role, "org:read-all")) return ok(await listKeys(db, actor.orgId));
  // A developer sees their own keys only.
  return ok(actor.userId ? await listKeys(db, actor.orgId, { userId: actor.userId }) : []);
}

export async function revokeVirtualKey(db: Database, actor: Actor, id: string): Promise<ServiceResult<KeyView>> {
  const existing = await findKey(db, actor.orgId, id);
  if (!existing) return failure({ code: "not_found", message: "No such key." });
  const mayRevoke = can(actor.role, "keys:write") || (can(actor.role, "keys:write-own") && existing.userId !== null && existing.userId === actor.userId);
  if (!mayRevoke) return failure({ code: "forbidden", message: "Your role cannot revoke this key." });
  const row = await db.transaction(async (tx) => {
    const revoked = await revokeKeyRow(tx, actor.orgId, id);
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "key.revoke", targetType: "virtual_key", targetId: id, before: existing, after: revoked });
    await notifyConfigChanged(tx, "keys");
    return revoked;
  });
  return ok(row);
}
