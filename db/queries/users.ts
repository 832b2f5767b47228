import { and, count, eq, isNull, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { memberships, users, type Role } from "../schema";

export async function countUsers(db: Executor): Promise<number> {
  const [row] = await db.select({ value: count() }).from(users);
  return row.value;
}

export interface UserWithMembership {
  id: string;
  email: string;
  name: string | null;
  passwordHash: string;
  sessionVersion: number;
  orgId: string | null;
  role: Role | null;
  deactivatedAt: Date | null;
}

export async function findUserByEmail(db: Executor, email: string): Promise<UserWithMembership | undefined> {
  const rows = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      passwordHash: users.passwordHash,
      sessionVersion: users.sessionVersion,
      orgId: memberships.orgId,
      role: memberships.role,
      deactivatedAt: memberships.deactivatedAt,
    })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .where(eq(users.email, email.trim().toLowerCase()))
    .limit(1);
  return rows[0];
}

export interface SessionMember {
  orgId: string;
  role: Role;
  email: string;
  sessionVersion: number;
  deactivatedAt: Date | null;
}

/** What every console request checks: the member's org, role, session version and whether they are deactivated. */
export async function findSessionMember(db: Executor, userId: string): Promise<SessionMember | undefined> {
  const [row] = await db
    .select({ orgId: memberships.orgId, role: memberships.role, email: users.email, sessionVersion: users.sessionVersion, deactivatedAt: memberships.deactivatedAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.userId, userId))
    .limit(1);
  return row;
}

export async function insertUserWithRole(
  tx: Executor,
  input: { email: string; name?: string | null; passwordHash: string; orgId: string; role: Role },
): Promise<{ id: string; email: string }> {
  const [user] = await tx
    .insert(users)
    .values({ email: input.email.trim().toLowerCase(), name: input.name ?? null, passwordHash: input.passwordHash })
    .returning({ id: users.id, email: users.email });
  await tx.insert(memberships).values({ userId: user.id, orgId: input.orgId, role: input.role });
  return user;
}

/** Member columns safe to show and to write to the audit log (never the password hash). */
const memberColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: memberships.role,
  createdAt: memberships.createdAt,
  deactivatedAt: memberships.deactivatedAt,
};

export type MemberRow = { id: string; email: string; name: string | null; role: Role; createdAt: Date; deactivatedAt: Date | null };

export async function listMembers(db: Executor, orgId: string): Promise<MemberRow[]> {
  return db.select(memberColumns).from(memberships).innerJoin(users, eq(users.id, memberships.userId)).where(eq(memberships.orgId, orgId)).orderBy(memberships.createdAt, users.email);
}

/** One member; `forUpdate` locks the membership row for the rest of the transaction. */
export async function findMember(db: Executor, orgId: string, userId: string, options: { forUpdate?: boolean } = {}): Promise<MemberRow | undefined> {
  const query = db.select(memberColumns).from(memberships).innerJoin(users, eq(users.id, memberships.userId)).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
  const [row] = options.forUpdate ? await query.for("update", { of: memberships }) : await query;
  return row;
}

/**
 * Locks every active owner's membership row and returns their ids. Call before demoting or
 * deactivating an owner, so two such changes at once cannot remove the last owner.
 */
export async function lockActiveOwners(tx: Executor, orgId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "owner"), isNull(memberships.deactivatedAt)))
    .orderBy(memberships.userId)
    .for("update");
  return rows.map((row) => row.userId);
}

export async function updateMembership(tx: Executor, orgId: string, userId: string, patch: { role?: Role; deactivatedAt?: Date | null }): Promise<void> {
  await tx.update(memberships).set(patch).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
}

/** Ends every console session of the user: their JWTs carry the old version from now on. */
export async function bumpSessionVersion(tx: Executor, userId: string): Promise<void> {
  await tx.update(users).set({ sessionVersion: sql`${users.sessionVersion} + 1` }).where(eq(users.id, userId));
}
