import { and, asc, count, eq, inArray, isNull } from "drizzle-orm";
import type { Executor } from "../client";
import { memberships, teamMembers, teams, users, virtualKeys } from "../schema";

export type TeamRow = typeof teams.$inferSelect;

export async function insertTeam(tx: Executor, values: typeof teams.$inferInsert): Promise<TeamRow> {
  const [row] = await tx.insert(teams).values(values).returning();
  return row;
}

export async function updateTeamRow(tx: Executor, orgId: string, id: string, patch: Partial<Pick<TeamRow, "name" | "allowedModels" | "bodyLogging" | "costCentre">>): Promise<TeamRow | undefined> {
  const [row] = await tx.update(teams).set(patch).where(and(eq(teams.orgId, orgId), eq(teams.id, id))).returning();
  return row;
}

export async function deleteTeamRow(tx: Executor, orgId: string, id: string): Promise<void> {
  await tx.delete(teams).where(and(eq(teams.orgId, orgId), eq(teams.id, id)));
}

export async function findTeam(db: Executor, orgId: string, id: string): Promise<TeamRow | undefined> {
  const [row] = await db.select().from(teams).where(and(eq(teams.orgId, orgId), eq(teams.id, id)));
  return row;
}

/** Teams with their member and active-key counts; `userId` limits them to that member's teams. */
export async function listTeams(db: Executor, orgId: string, options: { userId?: string } = {}) {
  const rows = await db
    .select()
    .from(teams)
    .where(and(eq(teams.orgId, orgId), options.userId ? inArray(teams.id, db.select({ id: teamMembers.teamId }).from(teamMembers).where(eq(teamMembers.userId, options.userId))) : undefined))
    .orderBy(asc(teams.name));
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const [memberCounts, keyCounts] = await Promise.all([
    db.select({ teamId: teamMembers.teamId, value: count() }).from(teamMembers).where(inArray(teamMembers.teamId, ids)).groupBy(teamMembers.teamId),
    db.select({ teamId: virtualKeys.teamId, value: count() }).from(virtualKeys).where(and(inArray(virtualKeys.teamId, ids), isNull(virtualKeys.revokedAt))).groupBy(virtualKeys.teamId),
  ]);
  const members = new Map(memberCounts.map((row) => [row.teamId, row.value]));
  const keys = new Map(keyCounts.map((row) => [row.teamId, row.value]));
  return rows.map((row) => ({ ...row, memberCount: members.get(row.id) ?? 0, activeKeyCount: keys.get(row.id) ?? 0 }));
}

export async function listTeamMembers(db: Executor, orgId: string, teamId: string) {
  return db
    .select({ id: users.id, email: users.email, name: users.name, role: memberships.role, deactivatedAt: memberships.deactivatedAt, addedAt: teamMembers.createdAt })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .innerJoin(memberships, and(eq(memberships.userId, teamMembers.userId), eq(memberships.orgId, orgId)))
    .where(eq(teamMembers.teamId, teamId))
    .orderBy(asc(users.email));
}

export async function isTeamMember(db: Executor, teamId: string, userId: string): Promise<boolean> {
  const [row] = await db.select({ teamId: teamMembers.teamId }).from(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId)));
  return row !== undefined;
}

/** The allow-lists of a member's teams (null entries: a team that allows every model). */
export async function listAllowancesOfUser(db: Executor, orgId: string, userId: string): Promise<Array<string[] | null>> {
  const rows = await db
    .select({ allowedModels: teams.allowedModels })
    .from(teamMembers)
    .innerJoin(teams, eq(teams.id, teamMembers.teamId))
    .where(and(eq(teams.orgId, orgId), eq(teamMembers.userId, userId)));
  return rows.map((row) => row.allowedModels);
}

/** Inserts the membership; false when it existed already. */
export async function insertTeamMember(tx: Executor, teamId: string, userId: string): Promise<boolean> {
  const rows = await tx.insert(teamMembers).values({ teamId, userId }).onConflictDoNothing().returning({ teamId: teamMembers.teamId });
  return rows.length > 0;
}

export async function deleteTeamMember(tx: Executor, teamId: string, userId: string): Promise<boolean> {
  const rows = await tx.delete(teamMembers).where(and(eq(teamMembers.teamId, teamId), eq(teamMembers.userId, userId))).returning({ teamId: teamMembers.teamId });
  return rows.length > 0;
}

export async function countActiveTeamKeys(db: Executor, teamId: string): Promise<number> {
  const [row] = await db.select({ value: count() }).from(virtualKeys).where(and(eq(virtualKeys.teamId, teamId), isNull(virtualKeys.revokedAt)));
  return row.value;
}
