import { Redis } from "ioredis";
import { describeError, logger } from "@/server/logger";
import { parseCachedAnswer } from "./cached-answer";
import { SEMANTIC_CANDIDATES, type CacheStore, type CachedVector } from "./cache-store";

export interface RedisCacheOptions {
  url: string;
  /** Prefix of every key this store writes (tests use a unique one each). */
  prefix?: string;
  /** Longest wait for one command; past it the lookup is a miss. */
  commandTimeoutMs: number;
}

/**
 * Cached answers in Redis (REDIS_URL): `<prefix><org id>:<hash>` holds the answer's JSON with the TTL as the key's
 * expiry, so Redis drops expired entries itself. A lookup is one GET; a store one SET … EX. While Redis is known to
 * be down, nothing is sent and every lookup is a miss. The semantic index of (org, parameters hash) is a list
 * `<prefix>v:<org id>:<params hash>` of JSON {hash, vector}, newest first, trimmed to SEMANTIC_CANDIDATES and expiring
 * with the newest answer's TTL (an entry whose answer expired first is a miss when fetched).
 */
export function createRedisCacheStore(options: RedisCacheOptions): CacheStore {
  const prefix = options.prefix ?? "mg:rc:";
  let client: Redis | undefined;
  let isDown = false;
  let lastWarnAt = 0;
  const warn = (message: string, error: unknown) => {
    if (Date.now() - lastWarnAt < 10_000) return;
    lastWarnAt = Date.now();
    logger.warn(message, describeError(error));
  };

  function connection(): Redis {
    if (client) return client;
    const created = new Redis(options.url, {
      lazyConnect: true,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(1000, options.commandTimeoutMs),
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    });
    created.on("ready", () => {
      isDown = false;
    });
    created.on("error", (error) => {
      isDown = true;
      warn("response cache: Redis unreachable", error);
    });
    created.connect().catch(() => {});
    client = created;
    return created;
  }

  return {
    kind: "redis",
    async get(orgId, hash) {
      const redis = connection();
      if (isDown) return undefined;
      try {
        const text = await redis.get(`${prefix}${orgId}:${hash}`);
        return text === null ? undefined : parseCachedAnswer(text);
      } catch (error) {
        warn("response cache: lookup failed", error);
        return undefined;
      }
    },
    async set(orgId, hash, answer, ttlSeconds) {
      const redis = connection();
      if (isDown) return;
      await redis.set(`${prefix}${orgId}:${hash}`, JSON.stringify(answer), "EX", ttlSeconds);
    },
    async recentVectors(orgId, paramsHash) {
      const redis = connection();
      if (isDown) return [];
      try {
        const items = await redis.lrange(`${prefix}v:${orgId}:${paramsHash}`, 0, SEMANTIC_CANDIDATES - 1);
        return items.flatMap((item) => parseVector(item));
      } catch (error) {
        warn("response cache: semantic lookup failed", error);
        return [];
      }
    },
    async rememberVector(orgId, paramsHash, entry, ttlSeconds) {
      const redis = connection();
      if (isDown) return;
      const list = `${prefix}v:${orgId}:${paramsHash}`;
      await redis.multi().lpush(list, JSON.stringify(entry)).ltrim(list, 0, SEMANTIC_CANDIDATES - 1).expire(list, ttlSeconds).exec();
    },
    async stop() {
      const open = client;
      client = undefined;
      if (open) await open.quit().catch(() => open.disconnect());
    },
  };
}

function parseVector(text: string): CachedVector[] {
  try {
    const value = JSON.parse(text) as Partial<CachedVector>;
    return typeof value.hash === "string" && Array.isArray(value.vector) && value.vector.every((item) => typeof item === "number") ? [{ hash: value.hash, vector: value.vector }] : [];
  } catch {
    return [];
  }
}
