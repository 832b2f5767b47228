import { and, desc, eq, gt, sql } from "drizzle-orm";
import { executeRows, type Executor } from "../client";
import { responseCacheEntries, responseCacheSettings, responseCacheVectors } from "../schema";

export type ResponseCacheSettingsRow = typeof responseCacheSettings.$inferSelect;

/** One cached answer by its primary key, if unexpired: the PostgreSQL store's whole lookup. */
export async function findCacheEntry(db: Executor, orgId: string, hash: string, now: Date): Promise<unknown> {
  const [row] = await db
    .select({ answer: responseCacheEntries.answer })
    .from(responseCacheEntries)
    .where(and(eq(responseCacheEntries.orgId, orgId), eq(responseCacheEntries.hash, hash), gt(responseCacheEntries.expiresAt, now)));
  return row?.answer;
}

/** Stores (or refreshes) an entry: the newest answer for a key wins. */
export async function upsertCacheEntry(db: Executor, values: { orgId: string; hash: string; answer: unknown; createdAt: Date; expiresAt: Date }): Promise<void> {
  await db
    .insert(responseCacheEntries)
    .values(values)
    .onConflictDoUpdate({ target: [responseCacheEntries.orgId, responseCacheEntries.hash], set: { answer: values.answer, createdAt: values.createdAt, expiresAt: values.expiresAt } });
}

/** Deletes up to `batch` expired entries (off the hot path, any replica; idempotent). Returns how many went. */
export async function pruneCacheEntries(db: Executor, now: Date, batch = 5_000): Promise<number> {
  const rows = await executeRows<{ n: number }>(
    db,
    sql`with gone as (
        delete from response_cache_entries where ctid in (select ctid from response_cache_entries where expires_at <= ${now.toISOString()}::timestamptz limit ${batch})
        returning 1
      ) select count(*)::int as n from gone`,
  );
  const vectors = await executeRows<{ n: number }>(
    db,
    sql`with gone as (
        delete from response_cache_vectors where ctid in (select ctid from response_cache_vectors where expires_at <= ${now.toISOString()}::timestamptz limit ${batch})
        returning 1
      ) select count(*)::int as n from gone`,
  );
  return Math.max(rows[0]?.n ?? 0, vectors[0]?.n ?? 0);
}

/** The semantic index's newest unexpired vectors for (org, parameters hash), at most `limit`. */
export async function listRecentVectors(db: Executor, orgId: string, paramsHash: string, now: Date, limit: number): Promise<{ hash: string; vector: number[] }[]> {
  return db
    .select({ hash: responseCacheVectors.hash, vector: responseCacheVectors.vector })
    .from(responseCacheVectors)
    .where(and(eq(responseCacheVectors.orgId, orgId), eq(responseCacheVectors.paramsHash, paramsHash), gt(responseCacheVectors.expiresAt, now)))
    .orderBy(desc(responseCacheVectors.createdAt))
    .limit(limit);
}

export async function upsertVector(db: Executor, values: typeof responseCacheVectors.$inferInsert): Promise<void> {
  await db
    .insert(responseCacheVectors)
    .values(values)
    .onConflictDoUpdate({ target: [responseCacheVectors.orgId, responseCacheVectors.paramsHash, responseCacheVectors.hash], set: { vector: values.vector, createdAt: values.createdAt, expiresAt: values.expiresAt } });
}

export async function findCacheSettings(db: Executor, orgId: string): Promise<ResponseCacheSettingsRow | undefined> {
  const [row] = await db.select().from(responseCacheSettings).where(eq(responseCacheSettings.orgId, orgId));
  return row;
}

export async function listCacheSettings(db: Executor): Promise<ResponseCacheSettingsRow[]> {
  return db.select().from(responseCacheSettings);
}

export async function upsertCacheSettings(db: Executor, values: Pick<ResponseCacheSettingsRow, "orgId" | "mode" | "ttlSeconds" | "semanticModel" | "semanticThreshold">): Promise<ResponseCacheSettingsRow> {
  const [row] = await db
    .insert(responseCacheSettings)
    .values(values)
    .onConflictDoUpdate({ target: responseCacheSettings.orgId, set: { mode: values.mode, ttlSeconds: values.ttlSeconds, semanticModel: values.semanticModel, semanticThreshold: values.semanticThreshold, updatedAt: new Date() } })
    .returning();
  return row;
}
