import { z } from "zod";
import type { Database } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findAdminToken, insertAdminToken, listAdminTokens, revokeAdminTokenRow } from "@/db/queries/admin-tokens";
import { issueToken } from "@/server/crypto/tokens";
import { roleSchema } from "./members";
import { can, isRoleWithin } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

export const createAdminTokenInputSchema = z.object({
  name: z.string().trim().min(1).max(100),
  /** Defaults to the creator's role; never above it. */
  role: roleSchema.optional(),
});
export type CreateAdminTokenInput = z.infer<typeof createAdminTokenInputSchema>;

type AdminTokenView = Awaited<ReturnType<typeof listAdminTokens>>[number];

const forbidden = failure({ code: "forbidden", message: "Your role cannot manage admin tokens." });

export async function listAdminTokensFor(db: Database, actor: Actor): Promise<ServiceResult<AdminTokenView[]>> {
  if (!can(actor.role, "admin-tokens:write")) return forbidden;
  return ok(await listAdminTokens(db, actor.orgId));
}

/** `mga_…` tokens for /api/admin/*; stored as prefix + SHA-256, shown once. A token acts with its role, capped by its creator's current one. */
export async function createAdminToken(db: Database, actor: Actor, input: CreateAdminTokenInput): Promise<ServiceResult<AdminTokenView & { token: string }>> {
  if (!can(actor.role, "admin-tokens:write")) return forbidden;
  const role = input.role ?? actor.role;
  if (!isRoleWithin(role, actor.role)) return failure({ code: "forbidden", message: `A token cannot have more rights than you: your role (${actor.role}) cannot make a ${role} token.` });
  const issued = issueToken("mga");
  const row = await db.transaction(async (tx) => {
    const created = await insertAdminToken(tx, { orgId: actor.orgId, name: input.name, role, tokenPrefix: issued.prefix, tokenHash: issued.hash, createdBy: actor.id });
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "admin_token.create", targetType: "admin_token", targetId: created.id, after: created });
    return created;
  });
  return ok({ ...row, token: issued.token });
}

export async function revokeAdminToken(db: Database, actor: Actor, id: string): Promise<ServiceResult<AdminTokenView>> {
  if (!can(actor.role, "admin-tokens:write")) return forbidden;
  const existing = await findAdminToken(db, actor.orgId, id);
  if (!existing || existing.revokedAt) return failure({ code: "not_found", message: "No such active admin token." });
  if (!isRoleWithin(existing.role, actor.role)) return failure({ code: "forbidden", message: "Only an owner can revoke an owner token." });
  const row = await db.transaction(async (tx) => {
    const revoked = await revokeAdminTokenRow(tx, actor.orgId, id);
    if (revoked) await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "admin_token.revoke", targetType: "admin_token", targetId: id, before: existing, after: revoked });
    return revoked;
  });
  return row ? ok(row) : failure({ code: "not_found", message: "No such active admin token." });
}
