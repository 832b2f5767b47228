import { afterAll, describe, expect, test } from "vitest";
import type { Admission, LimitCheck, RateLimiter } from "./limiter";
import { createMemoryRateLimiter } from "./memory-limiter";
import { createRedisRateLimiter } from "./redis-limiter";
import { assertLocalRedis, deleteRedisKeys, TEST_REDIS_URL, uniquePrefix } from "./test-redis";

// The same scenarios against both limiters: the Lua script (redis-scripts.ts) and its in-process twin must agree.
const prefixes: string[] = [];
const started: RateLimiter[] = [];
afterAll(async () => {
  await Promise.all(started.map((limiter) => limiter.stop()));
  await deleteRedisKeys(prefixes);
});

const factories: Record<string, () => RateLimiter> = {
  memory: () => createMemoryRateLimiter(),
  redis: () => {
    assertLocalRedis(TEST_REDIS_URL);
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    return createRedisRateLimiter({ url: TEST_REDIS_URL, prefix, commandTimeoutMs: 2000 });
  },
};

function start(kind: string): RateLimiter {
  const limiter = factories[kind]();
  started.push(limiter);
  return limiter;
}

let leases = 0;
const admission = (checks: LimitCheck[], estimatedTokens = 0): Admission => ({ leaseId: `lease-${++leases}`, estimatedTokens, checks });
const rpm = (bucket: string, limit: number): LimitCheck => ({ kind: "rpm", bucket, limit, failMode: "open" });
const tpm = (bucket: string, limit: number): LimitCheck => ({ kind: "tpm", bucket, limit, failMode: "open" });
const slots = (bucket: string, limit: number): LimitCheck => ({ kind: "concurrency", bucket, limit, failMode: "open" });

describe.each(["memory", "redis"])("%s limiter", (kind) => {
  test("rpm 10: of 30 requests at once exactly 10 are admitted, remaining counts down, the 11th waits ~6 s", async () => {
    const limiter = start(kind);
    const outcomes = [];
    for (let index = 0; index < 30; index++) outcomes.push(await limiter.admit(admission([rpm("{org}:key:a", 10)])));
    expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(10);
    expect(outcomes.slice(0, 10).map((outcome) => outcome.results[0].remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(outcomes.slice(0, 10).every((outcome) => outcome.allowed)).toBe(true);
    const denied = outcomes[10].results[0];
    expect(denied).toMatchObject({ allowed: false, remaining: 0 });
    expect(denied.retryAfterMs).toBeGreaterThan(5000);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(6000);
    expect(denied.resetMs).toBeGreaterThan(59_000);
    expect(denied.resetMs).toBeLessThanOrEqual(60_000);
  });

  test("all or nothing: a refusal by one limit counts against none of the others", async () => {
    const limiter = start(kind);
    const checks = [rpm("{org}:key:tight", 2), rpm("{org}:team:wide", 100)];
    for (let index = 0; index < 5; index++) await limiter.admit(admission(checks));
    const wide = await limiter.admit(admission([rpm("{org}:team:wide", 100)]));
    expect(wide.results[0].remaining).toBe(97); // 2 admitted earlier + this one
  });

  test("tpm: the estimate is reserved at admission and corrected with the actual tokens at settlement", async () => {
    const limiter = start(kind);
    const check = [tpm("{org}:key:tokens", 1000)];
    const first = admission(check, 600);
    expect((await limiter.admit(first)).results[0]).toMatchObject({ allowed: true, remaining: 400 });
    expect((await limiter.admit(admission(check, 600))).allowed).toBe(false);
    await limiter.settle(first, 100); // used 100 of the 600 reserved: 500 come back
    const third = await limiter.admit(admission(check, 600));
    expect(third.allowed).toBe(true);
    expect(third.results[0].remaining).toBeGreaterThanOrEqual(300);
    expect(third.results[0].remaining).toBeLessThanOrEqual(301);
  });

  test("tpm: tokens beyond the estimate are charged, so the next request waits", async () => {
    const limiter = start(kind);
    const check = [tpm("{org}:key:debt", 1000)];
    const first = admission(check, 10);
    expect((await limiter.admit(first)).allowed).toBe(true);
    await limiter.settle(first, 1500);
    const next = await limiter.admit(admission(check, 0));
    expect(next.allowed).toBe(false);
    expect(next.results[0].retryAfterMs).toBeGreaterThan(29_000);
  });

  test("tpm: an estimate above the whole limit is admitted when the bucket is full, never stuck", async () => {
    const limiter = start(kind);
    expect((await limiter.admit(admission([tpm("{org}:key:huge", 100)], 5000))).allowed).toBe(true);
  });

  test("concurrency 2: a third is refused until one settles; settling twice frees one slot only", async () => {
    const limiter = start(kind);
    const check = [slots("{org}:key:slots", 2)];
    const [first, second] = [admission(check), admission(check)];
    expect((await limiter.admit(first)).results[0]).toMatchObject({ allowed: true, remaining: 1 });
    expect((await limiter.admit(second)).results[0]).toMatchObject({ allowed: true, remaining: 0 });
    expect((await limiter.admit(admission(check))).results[0]).toMatchObject({ allowed: false, retryAfterMs: 1000 });
    await limiter.settle(first, 0);
    await limiter.settle(first, 0);
    expect((await limiter.admit(admission(check))).allowed).toBe(true);
    expect((await limiter.admit(admission(check))).allowed).toBe(false);
  });
});

describe("redis limiter leases", () => {
  test("a replica that dies holding a slot frees it after the lease ttl", async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const dying = createRedisRateLimiter({ url: TEST_REDIS_URL, prefix, commandTimeoutMs: 2000, leaseTtlMs: 1500 });
    const survivor = createRedisRateLimiter({ url: TEST_REDIS_URL, prefix, commandTimeoutMs: 2000, leaseTtlMs: 1500 });
    started.push(survivor);
    const check = [slots("{org}:key:lease", 1)];
    expect((await dying.admit(admission(check))).allowed).toBe(true);
    await dying.stop(); // never settles, never renews
    expect((await survivor.admit(admission(check))).allowed).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    expect((await survivor.admit(admission(check))).allowed).toBe(true);
  });

  test("a live replica renews its slots, so a stream longer than the ttl keeps its slot", async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const limiter = createRedisRateLimiter({ url: TEST_REDIS_URL, prefix, commandTimeoutMs: 2000, leaseTtlMs: 3000 });
    started.push(limiter);
    const check = [slots("{org}:key:renew", 1)];
    const held = admission(check);
    expect((await limiter.admit(held)).allowed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect((await limiter.admit(admission(check))).allowed).toBe(false);
    await limiter.settle(held, 0);
    expect((await limiter.admit(admission(check))).allowed).toBe(true);
  });

  test("Redis unreachable: admit throws (the caller applies fail modes) quickly and settle never throws", async () => {
    const limiter = createRedisRateLimiter({ url: "redis://127.0.0.1:1", commandTimeoutMs: 200 });
    started.push(limiter);
    const down = admission([rpm("{org}:key:down", 5)]);
    await expect(limiter.admit(down)).rejects.toThrow(/Redis/);
    await expect(limiter.admit(down)).rejects.toThrow(/Redis/);
    await expect(limiter.settle(down, 3)).resolves.toBeUndefined();
  });
});
