import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "@/e2e/fakes/anthropic-fake";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { createMemoryRateLimiter } from "../rate-limit/memory-limiter";
import { createRedisRateLimiter } from "../rate-limit/redis-limiter";
import type { RateLimitEntry } from "../rate-limit/rules";
import { deleteRedisKeys, TEST_REDIS_URL, uniquePrefix } from "../rate-limit/test-redis";
import { makeKey, makeModel, ORG, postJson, readSse, startTestGateway, until } from "./harness";

type Gateway = Awaited<ReturnType<typeof startTestGateway>>;
let openaiFake: FakeUpstream;
let anthropicFake: FakeUpstream;
const prefixes: string[] = [];
const gateways: Gateway[] = [];

const limit = (scope: RateLimitEntry["scope"], scopeId: string | null, values: Partial<RateLimitEntry>): RateLimitEntry => ({
  id: crypto.randomUUID(),
  orgId: ORG,
  scope,
  scopeId,
  rpm: null,
  tpm: null,
  concurrency: null,
  failMode: "open",
  ...values,
});

beforeAll(async () => {
  [openaiFake, anthropicFake] = await Promise.all([startFakeOpenAI(), startFakeAnthropic()]);
});
afterAll(async () => {
  for (const gateway of gateways) {
    await gateway.close();
    await gateway.deps.rateLimiter?.stop();
  }
  await Promise.all([openaiFake.close(), anthropicFake.close()]);
  await deleteRedisKeys(prefixes);
});

const models = () => [makeModel("mini", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"), makeModel("haiku", "anthropic", `${anthropicFake.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001")];

async function gatewayWith(keys: ReturnType<typeof makeKey>[], rateLimits: RateLimitEntry[], rateLimiter = createMemoryRateLimiter()): Promise<Gateway> {
  const gateway = await startTestGateway({ keys: keys.map((key) => key.entry), models: models(), rateLimits, rateLimiter });
  gateways.push(gateway);
  return gateway;
}

const hi = { model: "mini", messages: [{ role: "user", content: "Hi" }] };
const ratelimitHeaders = (response: Response) => Object.fromEntries([...response.headers].filter(([name]) => name.startsWith("x-ratelimit-") || name.startsWith("retry-after")));

describe("rate limits in the pipeline (in-process limiter)", () => {
  test("every answer carries OpenAI's x-ratelimit headers: JSON, stream, Messages API, and the 429 with Retry-After", async () => {
    const key = makeKey();
    const gateway = await gatewayWith([key], [limit("key", key.entry.id, { rpm: 3, tpm: 10_000 })]);
    const json = await postJson(`${gateway.url}/v1/chat/completions`, key.token, hi);
    expect(json.status).toBe(200);
    expect(ratelimitHeaders(json)).toMatchObject({ "x-ratelimit-limit-requests": "3", "x-ratelimit-remaining-requests": "2", "x-ratelimit-limit-tokens": "10000" });
    expect(json.headers.get("x-ratelimit-reset-requests")).toMatch(/^\d+(\.\d+)?s$/);
    expect(json.headers.get("x-ratelimit-remaining-tokens")).toBe(String(10_000 - 1)); // "Hi" is one estimated token
    await json.body?.cancel();

    const stream = await postJson(`${gateway.url}/v1/chat/completions`, key.token, { ...hi, stream: true });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("x-ratelimit-remaining-requests")).toBe("1");
    expect((await readSse(stream)).at(-1)).toBe("[DONE]");

    const messages = await postJson(`${gateway.url}/v1/messages`, key.token, { model: "haiku", max_tokens: 20, messages: [{ role: "user", content: "Hi" }] });
    expect(messages.status).toBe(200);
    expect(messages.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    await messages.body?.cancel();

    const refused = await postJson(`${gateway.url}/v1/chat/completions`, key.token, hi);
    expect(refused.status).toBe(429);
    expect(ratelimitHeaders(refused)).toMatchObject({ "x-ratelimit-limit-requests": "3", "x-ratelimit-remaining-requests": "0" });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(20);
    const body = await refused.json();
    expect(body.error).toMatchObject({ type: "rate_limit_error", code: "rate_limit_exceeded" });
    expect(body.error.message).toMatch(/^Rate limit reached for requests per minute \(rpm\) on this key: limit 3\. Please try again in \d+(\.\d+)?s\.$/);
    const rows = await gateway.waitForRows(4);
    expect(rows.at(-1)).toMatchObject({ status: "error", httpStatus: 429, errorKind: "rate_limited", costUsd: "0.000000000000" });
  });

  test("tpm: the reservation (prompt estimate + max_tokens) is corrected with the actual tokens at settlement", async () => {
    const key = makeKey();
    const gateway = await gatewayWith([key], [limit("key", key.entry.id, { tpm: 1000 })]);
    const first = await postJson(`${gateway.url}/v1/chat/completions`, key.token, { ...hi, max_tokens: 500 });
    expect(first.status).toBe(200);
    expect(Number(first.headers.get("x-ratelimit-remaining-tokens"))).toBe(1000 - 501);
    const usage = (await first.json()).usage;
    await gateway.waitForRows(1);
    // The fake used far fewer than the 501 reserved: the rest came back before the next admission.
    const second = await postJson(`${gateway.url}/v1/chat/completions`, key.token, { ...hi, max_tokens: 500 });
    const remaining = Number(second.headers.get("x-ratelimit-remaining-tokens"));
    expect(remaining).toBeGreaterThanOrEqual(1000 - usage.total_tokens - 501);
    expect(remaining).toBeLessThanOrEqual(1000 - usage.total_tokens - 501 + 20); // + what refilled meanwhile (1000/min)
    await second.body?.cancel();
    await gateway.waitForRows(2);
    // A request whose reservation (1000) is more than the ~950 left is refused on tokens.
    const third = await postJson(`${gateway.url}/v1/chat/completions`, key.token, { ...hi, max_tokens: 999 });
    expect(third.status).toBe(429);
    expect((await third.json()).error.message).toContain("tokens per minute (tpm)");
  });

  test("concurrency: a client abort mid-stream frees the slot once, and only once", async () => {
    const key = makeKey();
    const gateway = await gatewayWith([key], [limit("key", key.entry.id, { concurrency: 1 })]);
    const leaving = new AbortController();
    const slow = await postJson(`${gateway.url}/v1/chat/completions`, key.token, { ...hi, stream: true, messages: [{ role: "user", content: "[[fake:slow]]" }] }, leaving.signal);
    expect(slow.status).toBe(200);
    const busy = await postJson(`${gateway.url}/v1/chat/completions`, key.token, hi);
    expect(busy.status).toBe(429);
    expect(busy.headers.get("retry-after")).toBe("1");
    await busy.body?.cancel();
    leaving.abort();
    await until(() => gateway.rows.some((row) => row.status === "aborted"));
    // The slot is free again: a second slow stream holds it, and a third request is refused (not two freed slots).
    const holder = new AbortController();
    const again = await postJson(`${gateway.url}/v1/chat/completions`, key.token, { ...hi, stream: true, messages: [{ role: "user", content: "[[fake:slow]]" }] }, holder.signal);
    expect(again.status).toBe(200);
    const third = await postJson(`${gateway.url}/v1/chat/completions`, key.token, hi);
    expect(third.status).toBe(429);
    await third.body?.cancel();
    holder.abort();
  });

  test("end users (the request's `user`) and models each get their own counters from a scope default", async () => {
    const key = makeKey();
    const gateway = await gatewayWith([key], [limit("user", null, { rpm: 2 }), limit("model", "haiku", { rpm: 1 })]);
    const asUser = (user: string) => postJson(`${gateway.url}/v1/chat/completions`, key.token, { ...hi, user });
    const statuses = [];
    for (const user of ["alice", "alice", "alice", "bob"]) {
      const response = await asUser(user);
      statuses.push(response.status);
      await response.body?.cancel();
    }
    expect(statuses).toEqual([200, 200, 429, 200]);
    const refused = await asUser("alice");
    expect((await refused.json()).error.message).toContain("on this end user");
    const haiku = () => postJson(`${gateway.url}/v1/chat/completions`, key.token, { model: "haiku", messages: [{ role: "user", content: "Hi" }] });
    expect((await haiku()).status).toBe(200);
    expect((await haiku()).status).toBe(429);
  });

  test("a key's team limit counts every key of the team together", async () => {
    const teamId = crypto.randomUUID();
    const [first, second] = [makeKey({ teamId }), makeKey({ teamId })];
    const gateway = await gatewayWith([first, second], [limit("team", teamId, { rpm: 2 })]);
    const statuses = [];
    for (const key of [first, second, first]) statuses.push((await postJson(`${gateway.url}/v1/chat/completions`, key.token, hi)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  test("embeddings are admitted against the same limits", async () => {
    const key = makeKey();
    const gateway = await gatewayWith([key], [limit("key", key.entry.id, { rpm: 1 })]);
    const embed = () => postJson(`${gateway.url}/v1/embeddings`, key.token, { model: "mini", input: "hello" });
    const first = await embed();
    expect(first.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    expect((await embed()).status).toBe(429);
  });
});

describe("Redis unreachable", () => {
  test("fail mode open admits without headers, closed refuses with a 429: never a 500", async () => {
    const [openKey, closedKey] = [makeKey(), makeKey()];
    const limiter = createRedisRateLimiter({ url: "redis://127.0.0.1:1", commandTimeoutMs: 200 });
    const gateway = await gatewayWith([openKey, closedKey], [limit("key", openKey.entry.id, { rpm: 1 }), limit("key", closedKey.entry.id, { rpm: 1, failMode: "closed" })], limiter);
    for (let round = 0; round < 3; round++) {
      const open = await postJson(`${gateway.url}/v1/chat/completions`, openKey.token, hi);
      expect(open.status).toBe(200);
      expect(open.headers.get("x-ratelimit-limit-requests")).toBeNull();
      await open.body?.cancel();
      const closed = await postJson(`${gateway.url}/v1/chat/completions`, closedKey.token, { ...hi, stream: true });
      expect(closed.status).toBe(429);
      expect(closed.headers.get("retry-after")).toBe("1");
      expect((await closed.json()).error).toMatchObject({ type: "rate_limit_error", code: "rate_limiter_unavailable" });
    }
  });
});

describe("3 gateway replicas sharing one Redis", () => {
  test("rpm 10 holds exactly: of 30 parallel requests spread over the replicas, 10 are admitted", async () => {
    const key = makeKey();
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const limits = [limit("key", key.entry.id, { rpm: 10 })];
    const replicas = await Promise.all([0, 1, 2].map(() => gatewayWith([key], limits, createRedisRateLimiter({ url: TEST_REDIS_URL, prefix, commandTimeoutMs: 2000 }))));
    const responses = await Promise.all(Array.from({ length: 30 }, (_, index) => postJson(`${replicas[index % 3].url}/v1/chat/completions`, key.token, hi)));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
    for (const response of responses) expect(response.headers.get("x-ratelimit-limit-requests")).toBe("10");
    const remaining = responses.filter((response) => response.status === 200).map((response) => Number(response.headers.get("x-ratelimit-remaining-requests")));
    expect(remaining.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await Promise.all(responses.map((response) => response.body?.cancel()));
  });

  test("concurrency 2 across replicas: slots are shared, and freed by the replica that held them", async () => {
    const key = makeKey();
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const limits = [limit("key", key.entry.id, { concurrency: 2 })];
    const replicas = await Promise.all([0, 1, 2].map(() => gatewayWith([key], limits, createRedisRateLimiter({ url: TEST_REDIS_URL, prefix, commandTimeoutMs: 2000 }))));
    const slowBody = { ...hi, stream: true, messages: [{ role: "user", content: "[[fake:slow]]" }] };
    const controllers = [new AbortController(), new AbortController()];
    const held = await Promise.all([0, 1].map((index) => postJson(`${replicas[index].url}/v1/chat/completions`, key.token, slowBody, controllers[index].signal)));
    expect(held.map((response) => response.status)).toEqual([200, 200]);
    expect((await postJson(`${replicas[2].url}/v1/chat/completions`, key.token, hi)).status).toBe(429);
    controllers[0].abort();
    await until(() => replicas[0].rows.some((row) => row.status === "aborted"));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the settlement is one more round trip, off the response path
    const freed = await postJson(`${replicas[2].url}/v1/chat/completions`, key.token, hi);
    expect(freed.status).toBe(200);
    await freed.body?.cancel();
    controllers[1].abort();
  });
});
