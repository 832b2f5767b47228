import type { Database } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { insertAdminToken, listAdminTokens, revokeAdminTokenRow } from "@/db/queries/admin-tokens";
import { issueToken } from "@/server/crypto/tokens";
import { can } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

type AdminTokenView = Awaited<ReturnType<typeof listAdminTokens>>[number];

export async function listAdminTokensFor(db: Database, actor: Actor): Promise<ServiceResult<AdminTokenView[]>> {
  if (!can(actor.role, "admin-tokens:write")) return failure({ code: "forbidden", message: "Your role cannot manage admin tokens." });
  return ok(await listAdminTokens(db, actor.orgId));
}

/** `mga_…` tokens for /api/admin/*; stored as prefix + SHA-256, shown once. */
export async function createAdminToken(db: Database, actor: Actor, name: string): Promise<ServiceResult<AdminTokenView & { token: string }>> {
  if (!can(actor.role, "admin-tokens:write")) return failure({ code: "forbidden", message: "Your role cannot manage admin tokens." });
  const issued = issueToken("mga");
  const row = await db.transaction(async (tx) => {
    const created = await insertAdminToken(tx, { orgId: actor.orgId, name, tokenPrefix: issued.prefix, tokenHash: issued.hash, createdBy: actor.id });
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "admin_token.create", targetType: "admin_token", targetId: created.id, after: created });
    return created;
  });
  return ok({ ...row, token: issued.token });
}

export async function revokeAdminToken(db: Database, actor: Actor, id: string): Promise<ServiceResult<AdminTokenView>> {
  if (!can(actor.role, "admin-tokens:write")) return failure({ code: "forbidden", message: "Your role cannot manage admin tokens." });
  const row = await db.transaction(async (tx) => {
    const revoked = await revokeAdminTokenRow(tx, actor.orgId, id);
    if (revoked) await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "admin_token.revoke", targetType: "admin_token", targetId: id, after: revoked });
    return revoked;
  });
  return row ? ok(row) : failure({ code: "not_found", message: "No such active admin token." });
}
