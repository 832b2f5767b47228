import { timingSafeEqual, createHash } from "node:crypto";
import type { Database } from "@/db/client";
import { findActiveAdminTokenByPrefix } from "@/db/queries/admin-tokens";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { hashToken, hashesEqual, tokenPrefix } from "@/server/crypto/tokens";
import { capRole, currentRoleOf, userIdOf } from "./actor-role";
import type { Actor } from "./service-result";

function sameSecret(a: string, b: string): boolean {
  // Compare digests so neither length nor content leaks through timing.
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/**
 * `Authorization: Bearer <token>` for /api/admin/*: GATEWAY_ADMIN_KEY from the environment (an
 * owner), or an `mga_` token created in the console, which acts with its role capped by its
 * creator's current role, for its creator (so a developer token's "own keys" are the creator's).
 * A token whose creator was deactivated or lost the role's rights is refused.
 */
export async function authenticateAdmin(db: Database, authorization: string | null, envAdminKey: string | undefined): Promise<Actor | null> {
  const token = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!token) return null;
  if (envAdminKey && sameSecret(token, envAdminKey)) {
    return { orgId: await ensureDefaultOrg(db), id: "admin_key:env", role: "owner" };
  }
  if (!token.startsWith("mga_")) return null;
  const row = await findActiveAdminTokenByPrefix(db, tokenPrefix(token));
  if (!row || !hashesEqual(row.tokenHash, hashToken(token))) return null;
  const role = capRole(row.role, await currentRoleOf(db, row.orgId, row.createdBy));
  if (!role) return null;
  return { orgId: row.orgId, id: `admin_token:${row.id}`, role, userId: userIdOf(row.createdBy) };
}
