import type { Executor } from "@/db/client";
import { findSessionMember } from "@/db/queries/users";
import type { Actor } from "@/server/admin/service-result";

export type SessionActor = Actor & { email: string };

/**
 * A console session's actor, read from the database on every request: none when the member was
 * deactivated, or when the session was issued before their session version was bumped (which
 * ends every session at once). The role is the database's, never the token's.
 */
export async function resolveSessionActor(db: Executor, userId: string, sessionVersion: number): Promise<SessionActor | null> {
  const member = await findSessionMember(db, userId);
  if (!member || member.deactivatedAt || member.sessionVersion !== sessionVersion) return null;
  return { orgId: member.orgId, id: `user:${userId}`, userId, role: member.role, email: member.email };
}
