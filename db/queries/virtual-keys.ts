import { and, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { teams, users, virtualKeys } from "../schema";

/** Everything but the hash. */
export const publicKeyColumns = {
  id: virtualKeys.id,
  orgId: virtualKeys.orgId,
  teamId: virtualKeys.teamId,
  userId: virtualKeys.userId,
  name: virtualKeys.name,
  keyPrefix: virtualKeys.keyPrefix,
  allowedModels: virtualKeys.allowedModels,
  expiresAt: virtualKeys.expiresAt,
  revokedAt: virtualKeys.revokedAt,
  region: virtualKeys.region,
  bodyLogging: virtualKeys.bodyLogging,
  responseCache: virtualKeys.responseCache,
  costCentre: virtualKeys.costCentre,
  metadata: virtualKeys.metadata,
  createdBy: virtualKeys.createdBy,
  createdAt: virtualKeys.createdAt,
  lastUsedAt: virtualKeys.lastUsedAt,
};

export async function insertKey(tx: Executor, values: typeof virtualKeys.$inferInsert) {
  const [row] = await tx.insert(virtualKeys).values(values).returning(publicKeyColumns);
  return row;
}

/** Keys with their team's name and their user's email; `userId` / `teamId` narrow the list. */
export async function listKeys(db: Executor, orgId: string, options: { userId?: string; teamId?: string; id?: string } = {}) {
  return db
    .select({ ...publicKeyColumns, teamName: teams.name, userEmail: users.email })
    .from(virtualKeys)
    .leftJoin(teams, eq(teams.id, virtualKeys.teamId))
    .leftJoin(users, eq(users.id, virtualKeys.userId))
    .where(
      and(eq(virtualKeys.orgId, orgId), options.userId ? eq(virtualKeys.userId, options.userId) : undefined, options.teamId ? eq(virtualKeys.teamId, options.teamId) : undefined, options.id ? eq(virtualKeys.id, options.id) : undefined),
    )
    .orderBy(desc(virtualKeys.createdAt));
}

export async function findKey(db: Executor, orgId: string, id: string) {
  const [row] = await db.select(publicKeyColumns).from(virtualKeys).where(and(eq(virtualKeys.orgId, orgId), eq(virtualKeys.id, id)));
  return row;
}

export async function revokeKeyRow(tx: Executor, orgId: string, id: string) {
  const [row] = await tx
    .update(virtualKeys)
    .set({ revokedAt: sql`coalesce(${virtualKeys.revokedAt}, now())` })
    .where(and(eq(virtualKeys.orgId, orgId), eq(virtualKeys.id, id)))
    .returning(publicKeyColumns);
  return row;
}

/** Marks keys used; skips rows touched within the last minute so a busy key costs one write a minute. */
export async function touchKeysLastUsed(db: Executor, keyIds: string[], at: Date): Promise<void> {
  if (keyIds.length === 0) return;
  const cutoff = new Date(at.getTime() - 60_000);
  await db
    .update(virtualKeys)
    .set({ lastUsedAt: at })
    .where(and(inArray(virtualKeys.id, keyIds), or(isNull(virtualKeys.lastUsedAt), lt(virtualKeys.lastUsedAt, cutoff))));
}

/** The ids of a member's own keys (user_id = them), revoked ones included: their usage stays theirs. */
export async function listKeyIdsOfUser(db: Executor, orgId: string, userId: string): Promise<string[]> {
  const rows = await db.select({ id: virtualKeys.id }).from(virtualKeys).where(and(eq(virtualKeys.orgId, orgId), eq(virtualKeys.userId, userId)));
  return rows.map((row) => row.id);
}

/** Revokes every active key of a member (on deactivation, when the admin chooses so); returns them as they are now. */
export async function revokeKeysOfUser(tx: Executor, orgId: string, userId: string) {
  return tx
    .update(virtualKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(virtualKeys.orgId, orgId), eq(virtualKeys.userId, userId), isNull(virtualKeys.revokedAt)))
    .returning(publicKeyColumns);
}
