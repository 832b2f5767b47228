import type { Executor } from "@/db/client";
import { findAdminToken } from "@/db/queries/admin-tokens";
import { findMember } from "@/db/queries/users";
import type { Role } from "@/db/schema";
import { isRoleWithin } from "./permissions";

/**
 * A token's (or invitation's) role as far as its creator's current role allows: the role itself
 * when the creator still holds all its rights, the creator's role when that is the smaller one,
 * and none when neither contains the other (or the creator holds no role any more).
 */
export function capRole(role: Role, creatorRole: Role | null): Role | null {
  if (!creatorRole) return null;
  if (isRoleWithin(role, creatorRole)) return role;
  if (isRoleWithin(creatorRole, role)) return creatorRole;
  return null;
}

/**
 * The role an actor id holds right now in the org, or null: a deactivated or removed member, a
 * revoked token, a token whose creator lost their role. GATEWAY_ADMIN_KEY is the operator's: owner.
 */
export async function currentRoleOf(db: Executor, orgId: string, actorId: string | null, depth = 0): Promise<Role | null> {
  if (!actorId || depth > 3) return null;
  if (actorId === "admin_key:env") return "owner";
  const [kind, id] = splitActorId(actorId);
  if (kind === "user") {
    const member = await findMember(db, orgId, id);
    return member && !member.deactivatedAt ? member.role : null;
  }
  if (kind === "admin_token") {
    const token = await findAdminToken(db, orgId, id);
    if (!token || token.revokedAt) return null;
    return capRole(token.role, await currentRoleOf(db, orgId, token.createdBy, depth + 1));
  }
  return null;
}

/** The user an actor id acts for: a user, or the user who made the token. */
export function userIdOf(actorId: string | null): string | undefined {
  if (!actorId) return undefined;
  const [kind, id] = splitActorId(actorId);
  return kind === "user" ? id : undefined;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function splitActorId(actorId: string): [string, string] {
  const separator = actorId.indexOf(":");
  const kind = actorId.slice(0, separator);
  const id = actorId.slice(separator + 1);
  // Ids are UUIDs; anything else matches nothing (and never reaches a uuid column as a bad cast).
  return separator > 0 && uuidPattern.test(id) ? [kind, id] : ["", ""];
}
