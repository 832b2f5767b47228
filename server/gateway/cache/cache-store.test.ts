/**
 * Both response cache stores against the real services: PostgreSQL (a fresh test database) and Redis (a unique key
 * prefix, deleted after). Same contract: get after set, per-org isolation, expiry, replace, pruning (PostgreSQL).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { pruneCacheEntries } from "@/db/queries/response-cache";
import { deleteRedisKeys, TEST_REDIS_URL, uniquePrefix } from "../rate-limit/test-redis";
import { isStorable, parseCachedAnswer, toCachedAnswer, type CachedAnswer } from "./cached-answer";
import type { CacheStore } from "./cache-store";
import { createPostgresCacheStore } from "./postgres-store";
import { createRedisCacheStore } from "./redis-store";

const ORG_A = "00000000-0000-4000-8000-00000000000a";
const ORG_B = "00000000-0000-4000-8000-00000000000b";
const HASH = "a".repeat(64);

function answer(text: string, createdAt = Date.now()): CachedAnswer {
  return toCachedAnswer({ choices: [{ index: 0, text, finishReason: "stop" }] }, { inputTokens: 21, outputTokens: 7 }, 123_456_000n, "gpt-4o-mini", createdAt);
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const prefix = uniquePrefix();
const stores: Record<"postgres" | "drizzle" | "redis", CacheStore> = {} as never;

beforeAll(async () => {
  database = await createTestDatabase();
  stores.postgres = createPostgresCacheStore(database.handle.db, { raw: database.handle.raw });
  // The same store without the postgres.js client (PGlite's path): lookups through Drizzle.
  stores.drizzle = createPostgresCacheStore(database.handle.db);
  stores.redis = createRedisCacheStore({ url: TEST_REDIS_URL, prefix, commandTimeoutMs: 1000 });
});
afterAll(async () => {
  await stores.redis?.stop();
  await stores.postgres?.stop();
  await stores.drizzle?.stop();
  await deleteRedisKeys([prefix]);
  await database?.drop();
});

describe.each(["postgres", "drizzle", "redis"] as const)("%s store", (kind) => {
  test("a stored answer comes back whole, with its cost and age", async () => {
    const stored = answer(`hello from ${kind}`, Date.now() - 5000);
    await stores[kind].set(ORG_A, HASH, stored, 60);
    expect(await stores[kind].get(ORG_A, HASH)).toEqual(stored);
  });

  test("an entry is never read by another org, whatever the hash", async () => {
    await stores[kind].set(ORG_A, "b".repeat(64), answer("org A only"), 60);
    expect(await stores[kind].get(ORG_B, "b".repeat(64))).toBeUndefined();
  });

  test("an unknown hash is a miss", async () => {
    expect(await stores[kind].get(ORG_A, "c".repeat(64))).toBeUndefined();
  });

  test("storing again replaces the answer", async () => {
    await stores[kind].set(ORG_A, "d".repeat(64), answer("first"), 60);
    await stores[kind].set(ORG_A, "d".repeat(64), answer("second"), 60);
    expect((await stores[kind].get(ORG_A, "d".repeat(64)))?.choices[0].text).toBe("second");
  });

  test("an entry past its TTL is a miss", async () => {
    await stores[kind].set(ORG_A, "e".repeat(64), answer("short-lived"), 1);
    expect(await stores[kind].get(ORG_A, "e".repeat(64))).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await stores[kind].get(ORG_A, "e".repeat(64))).toBeUndefined();
  });
});

describe.each(["postgres", "redis"] as const)("%s semantic index", (kind) => {
  test("vectors come back newest first, per org and parameters hash", async () => {
    const params = crypto.randomUUID();
    await stores[kind].rememberVector(ORG_A, params, { hash: "h1", vector: [0.5, -0.25] }, 60);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await stores[kind].rememberVector(ORG_A, params, { hash: "h2", vector: [1, 0] }, 60);
    expect(await stores[kind].recentVectors(ORG_A, params)).toEqual([
      { hash: "h2", vector: [1, 0] },
      { hash: "h1", vector: [0.5, -0.25] },
    ]);
    expect(await stores[kind].recentVectors(ORG_B, params)).toEqual([]);
    expect(await stores[kind].recentVectors(ORG_A, crypto.randomUUID())).toEqual([]);
  });
});

test("postgres: pruning deletes expired rows only", async () => {
  await stores.postgres.set(ORG_A, "f".repeat(64), answer("old", Date.now() - 120_000), 60);
  await stores.postgres.set(ORG_A, "0".repeat(64), answer("fresh"), 60);
  const pruned = await pruneCacheEntries(database.handle.db, new Date());
  expect(pruned).toBeGreaterThanOrEqual(1);
  const left = await executeRows<{ hash: string }>(database.handle.db, sql`select hash from response_cache_entries where hash in (${"f".repeat(64)}, ${"0".repeat(64)})`);
  expect(left.map((row) => row.hash)).toEqual(["0".repeat(64)]);
});

test("a row that no longer parses is a miss, not an error", () => {
  expect(parseCachedAnswer('{"v":2}')).toBeUndefined();
  expect(parseCachedAnswer("not json")).toBeUndefined();
  expect(parseCachedAnswer(JSON.stringify(answer("ok")))?.choices[0].text).toBe("ok");
});

describe("what is stored", () => {
  test.each<[string, Parameters<typeof isStorable>[0], boolean]>([
    ["a finished answer", { choices: [{ index: 0, text: "hi", finishReason: "stop" }] }, true],
    ["a tool call with JSON arguments", { choices: [{ index: 0, text: null, toolCalls: [{ id: "c1", name: "f", arguments: '{"a":1}' }], finishReason: "tool_calls" }] }, true],
    ["an answer cut at max_tokens (length)", { choices: [{ index: 0, text: "hi", finishReason: "length" }] }, false],
    ["a filtered answer", { choices: [{ index: 0, text: "", finishReason: "content_filter" }] }, false],
    ["a tool call whose arguments are not JSON", { choices: [{ index: 0, text: null, toolCalls: [{ id: "c1", name: "f", arguments: '{"a":' }], finishReason: "tool_calls" }] }, false],
    ["one clean and one truncated choice", { choices: [{ index: 0, text: "a", finishReason: "stop" }, { index: 1, text: "b", finishReason: "length" }] }, false],
    ["no choices", { choices: [] }, false],
  ])("%s: %s", (_what, result, expected) => {
    expect(isStorable(result)).toBe(expected);
  });
});
