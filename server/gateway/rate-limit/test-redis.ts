import { Redis } from "ioredis";

/** The machine's Redis for limiter tests (local only), and a unique key prefix per test so nothing global is touched. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export function assertLocalRedis(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) throw new Error(`Refusing to run limiter tests against non-local Redis host ${host}`);
}

export function uniquePrefix(): string {
  return `mg:test:${crypto.randomUUID()}:`;
}

/** Deletes the keys under the prefixes (SCAN + DEL): never a FLUSH. */
export async function deleteRedisKeys(prefixes: readonly string[]): Promise<void> {
  assertLocalRedis(TEST_REDIS_URL);
  const redis = new Redis(TEST_REDIS_URL);
  try {
    for (const prefix of prefixes) {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== "0");
    }
  } finally {
    redis.disconnect();
  }
}
