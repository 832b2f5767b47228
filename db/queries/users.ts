import { count, eq } from "drizzle-orm";
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
  orgId: string | null;
  role: Role | null;
}

export async function findUserByEmail(db: Executor, email: string): Promise<UserWithMembership | undefined> {
  const rows = await db
    .select({ id: users.id, email: users.email, name: users.name, passwordHash: users.passwordHash, orgId: memberships.orgId, role: memberships.role })
    .from(users)
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .where(eq(users.email, email.trim().toLowerCase()))
    .limit(1);
  return rows[0];
}

export async function findMembership(db: Executor, userId: string): Promise<{ orgId: string; role: Role } | undefined> {
  const [row] = await db.select({ orgId: memberships.orgId, role: memberships.role }).from(memberships).where(eq(memberships.userId, userId)).limit(1);
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

export async function listMembers(db: Executor, orgId: string) {
  return db
    .select({ id: users.id, email: users.email, name: users.name, role: memberships.role, createdAt: users.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(users.createdAt);
}
