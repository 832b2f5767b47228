import { timingSafeEqual, createHash } from "node:crypto";
import type { Database } from "@/db/client";
import { findActiveAdminTokenByPrefix } from "@/db/queries/admin-tokens";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { hashToken, hashesEqual, tokenPrefix } from "@/server/crypto/tokens";
import type { Actor } from "./service-result";

function sameSecret(a: string, b: string): boolean {
  // Compare digests so neither length nor content leaks through timing.
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/**
 * `Authorization: Bearer <token>` for /api/admin/*: GATEWAY_ADMIN_KEY from the environment, or
 * an `mga_` token created in the console. Both act as an owner of their organization.
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
  return { orgId: row.orgId, id: `admin_token:${row.id}`, role: "owner" };
}
