import type { Executor, RawClient } from "@/db/client";
import { findCacheEntry, listRecentVectors, pruneCacheEntries, upsertCacheEntry, upsertVector } from "@/db/queries/response-cache";
import { describeError, logger } from "@/server/logger";
import { parseCachedAnswer } from "./cached-answer";
import { SEMANTIC_CANDIDATES, type CacheStore } from "./cache-store";

/**
 * Cached answers in PostgreSQL (REDIS_URL unset): a lookup is one primary-key select that skips expired rows;
 * expired rows are deleted in batches every `pruneIntervalMs` by a timer of this store, never by a request. Given the
 * postgres.js client (`raw`), the lookup is one prepared statement on it, without Drizzle's query building: a third of
 * the CPU of a miss (bench/response-cache.ts).
 */
export function createPostgresCacheStore(db: Executor, options: { pruneIntervalMs?: number; raw?: RawClient } = {}): CacheStore {
  const raw = options.raw?.driver === "postgres" ? options.raw.sql : undefined;
  const find = raw
    ? async (orgId: string, hash: string) => (await raw`select answer from response_cache_entries where org_id = ${orgId} and hash = ${hash} and expires_at > now()`)[0]?.answer as unknown
    : (orgId: string, hash: string) => findCacheEntry(db, orgId, hash, new Date());
  let lastWarnAt = 0;
  const warn = (message: string, error: unknown) => {
    if (Date.now() - lastWarnAt < 10_000) return;
    lastWarnAt = Date.now();
    logger.warn(message, describeError(error));
  };
  const prune = async () => {
    for (let batch = 0; batch < 20 && (await pruneCacheEntries(db, new Date())) === 5_000; batch++);
  };
  const pruner = options.pruneIntervalMs ? setInterval(() => void prune().catch((error) => warn("response cache: pruning expired entries failed", error)), options.pruneIntervalMs) : undefined;
  pruner?.unref();
  return {
    kind: "postgres",
    async get(orgId, hash) {
      try {
        return parseCachedAnswer(await find(orgId, hash));
      } catch (error) {
        warn("response cache: lookup failed", error);
        return undefined;
      }
    },
    async set(orgId, hash, answer, ttlSeconds) {
      const createdAt = new Date(answer.createdAt);
      await upsertCacheEntry(db, { orgId, hash, answer, createdAt, expiresAt: new Date(answer.createdAt + ttlSeconds * 1000) });
    },
    async recentVectors(orgId, paramsHash) {
      try {
        return await listRecentVectors(db, orgId, paramsHash, new Date(), SEMANTIC_CANDIDATES);
      } catch (error) {
        warn("response cache: semantic lookup failed", error);
        return [];
      }
    },
    async rememberVector(orgId, paramsHash, entry, ttlSeconds) {
      const now = Date.now();
      await upsertVector(db, { orgId, paramsHash, hash: entry.hash, vector: entry.vector, createdAt: new Date(now), expiresAt: new Date(now + ttlSeconds * 1000) });
    },
    async stop() {
      if (pruner) clearInterval(pruner);
    },
  };
}
