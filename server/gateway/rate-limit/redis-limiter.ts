import { Redis } from "ioredis";
import { describeError, logger } from "@/server/logger";
import type { Admission, CheckResult, RateLimiter } from "./limiter";
import { ADMIT_SCRIPT, EXTEND_SCRIPT, SETTLE_SCRIPT } from "./redis-scripts";

export interface RedisLimiterOptions {
  url: string;
  /** Prefix of every Redis key this limiter writes (tests use a unique one each). */
  prefix?: string;
  /** Longest wait for one command; past it the request is treated as "Redis unreachable". */
  commandTimeoutMs: number;
  /** A concurrency slot whose replica stops renewing it is freed after this long. */
  leaseTtlMs?: number;
}

interface LimiterCommands {
  mgAdmit(numberOfKeys: number, ...args: (string | number)[]): Promise<number[]>;
  mgSettle(numberOfKeys: number, ...args: (string | number)[]): Promise<number>;
  mgExtend(numberOfKeys: number, ...args: (string | number)[]): Promise<number>;
}

export class RedisUnavailableError extends Error {
  override name = "RedisUnavailableError";
}

/**
 * The shared limiter (REDIS_URL): every admission is one EVALSHA of ADMIT_SCRIPT over all the request's
 * counters, every settlement one of SETTLE_SCRIPT. The connection opens on first use. While Redis is known
 * to be down (an error since the last "ready") commands are not sent at all, so callers apply their fail
 * mode at once instead of waiting out the command timeout on every request. Concurrency slots are leases
 * with an expiry in Redis; this replica renews its live ones every ttl/3, so a replica that dies frees its
 * slots within one ttl.
 */
export function createRedisRateLimiter(options: RedisLimiterOptions): RateLimiter {
  const prefix = options.prefix ?? "mg:rl:";
  const leaseTtlMs = options.leaseTtlMs ?? 60_000;
  let client: (Redis & LimiterCommands) | undefined;
  let isDown = false;
  let lastWarnAt = 0;
  const live = new Map<string, string[]>();
  const heartbeat = setInterval(() => void extendLeases(), Math.max(1000, Math.floor(leaseTtlMs / 3)));
  heartbeat.unref();

  function connection(): Redis & LimiterCommands {
    if (client) return client;
    const created = new Redis(options.url, {
      lazyConnect: true,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(1000, options.commandTimeoutMs),
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    }) as Redis & LimiterCommands;
    created.defineCommand("mgAdmit", { lua: ADMIT_SCRIPT });
    created.defineCommand("mgSettle", { lua: SETTLE_SCRIPT });
    created.defineCommand("mgExtend", { lua: EXTEND_SCRIPT });
    created.on("ready", () => {
      if (isDown) logger.info("rate limiter: Redis reachable again");
      isDown = false;
    });
    created.on("error", (error) => {
      isDown = true;
      warn("rate limiter: Redis unreachable", error);
    });
    created.connect().catch(() => {});
    client = created;
    return created;
  }

  function warn(message: string, error: unknown): void {
    // One line per 10 s at most: an outage must not turn every request into a log line.
    if (Date.now() - lastWarnAt < 10_000) return;
    lastWarnAt = Date.now();
    logger.warn(message, describeError(error));
  }

  function keysAndArgs(admission: Admission): { keys: string[]; args: (string | number)[] } {
    const keys = admission.checks.map((check) => `${prefix}${check.kind}:${check.bucket}`);
    const args = admission.checks.flatMap((check) => [check.kind, check.limit]);
    return { keys, args };
  }

  async function extendLeases(): Promise<void> {
    if (live.size === 0 || !client || isDown) return;
    const keys: string[] = [];
    const leaseIds: string[] = [];
    for (const [leaseId, counters] of live) {
      for (const key of counters) {
        keys.push(key);
        leaseIds.push(leaseId);
      }
    }
    await client.mgExtend(keys.length, ...keys, leaseTtlMs, ...leaseIds).catch((error) => warn("rate limiter: renewing concurrency leases failed", error));
  }

  return {
    kind: "redis",
    async admit(admission) {
      const redis = connection();
      if (isDown) throw new RedisUnavailableError("Redis is unreachable");
      const { keys, args } = keysAndArgs(admission);
      let reply: number[];
      try {
        reply = await redis.mgAdmit(keys.length, ...keys, admission.leaseId, leaseTtlMs, admission.estimatedTokens, ...args);
      } catch (error) {
        warn("rate limiter: admission failed", error);
        throw new RedisUnavailableError("Redis admission failed", { cause: error });
      }
      const results: CheckResult[] = admission.checks.map((_, index) => ({
        allowed: reply[1 + index * 4] === 1,
        remaining: reply[2 + index * 4],
        resetMs: reply[3 + index * 4],
        retryAfterMs: reply[4 + index * 4],
      }));
      const allowed = reply[0] === 1;
      const slots = keys.filter((_, index) => admission.checks[index].kind === "concurrency");
      if (allowed && slots.length > 0) live.set(admission.leaseId, slots);
      return { allowed, results };
    },
    async settle(admission, actualTokens) {
      live.delete(admission.leaseId);
      const needed = admission.checks.some((check) => check.kind === "concurrency" || (check.kind === "tpm" && actualTokens !== admission.estimatedTokens));
      if (!needed || !client || isDown) return;
      const { keys, args } = keysAndArgs(admission);
      await client.mgSettle(keys.length, ...keys, admission.leaseId, admission.estimatedTokens, actualTokens, ...args).catch((error) => warn("rate limiter: settlement failed", error));
    },
    async stop() {
      clearInterval(heartbeat);
      const open = client;
      client = undefined;
      if (open) await open.quit().catch(() => open.disconnect());
    },
  };
}
