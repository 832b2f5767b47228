import { expect, test, type APIRequestContext } from "@playwright/test";
import { e2eEnv } from "../support/e2e-env";
import { adminHeaders, countFakeRequestsContaining, createKey, ledgerRow, sseData } from "../support/gateway-client";

/**
 * The response cache in the built app (PostgreSQL store on its embedded database, REDIS_URL unset), with the OpenAI
 * fake: keys opt in with their own `response_cache` mode so the org's default (shared by the other specs) stays off.
 * The normalization and the collision test are unit tests (server/gateway/cache/cache-key.test.ts); the Redis store
 * is covered by cache-store.test.ts and __tests__/response-cache.test.ts.
 */
const question = () => `What is cached? ${crypto.randomUUID()}`;
const chat = (request: APIRequestContext, key: string, data: Record<string, unknown>, headers: Record<string, string> = {}) =>
  request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}`, ...headers }, data: { model: "gpt-4o-mini", ...data } });
const ask = (text: string, extra: Record<string, unknown> = {}) => ({ messages: [{ role: "user", content: text }], ...extra });

/** How many requests carrying `text` reached the fake. */
async function reachedFake(text: string): Promise<number> {
  return countFakeRequestsContaining(e2eEnv().fakeOpenAIUrl, text);
}
/** Stores are written off the response path: a moment for the entry to land. */
const stored = () => new Promise((resolve) => setTimeout(resolve, 300));

test("non-stream: a miss reaches the fake and is stored; the hit does not, has a new id, costs $0 and records what it saved", async ({ request }) => {
  const key = await createKey(request, { response_cache: "key" });
  await new Promise((resolve) => setTimeout(resolve, 500)); // the snapshot reloads on the key's notification
  const text = question();
  const miss = await chat(request, key.key, ask(text));
  expect(miss.status()).toBe(200);
  expect(miss.headers()["x-modelgate-cache"]).toBe("miss");
  const missBody = await miss.json();
  await stored();
  const hit = await chat(request, key.key, ask(text));
  expect(hit.status()).toBe(200);
  expect(hit.headers()["x-modelgate-cache"]).toBe("hit");
  expect(Number(hit.headers()["x-modelgate-cache-age"])).toBeGreaterThanOrEqual(0);
  const hitBody = await hit.json();
  expect(hitBody.choices).toEqual(missBody.choices);
  expect(hitBody.usage).toEqual(missBody.usage);
  expect(hitBody.id).not.toBe(missBody.id);
  expect(await reachedFake(text)).toBe(1);

  const missRow = await ledgerRow(request, miss.headers()["x-request-id"]);
  const hitRow = await ledgerRow(request, hit.headers()["x-request-id"]);
  expect(missRow).toMatchObject({ cacheStatus: "miss", upstreamAttempts: 1, costUsd: "0.000007350000" });
  expect(hitRow).toMatchObject({ cacheStatus: "hit", upstreamAttempts: 0, costUsd: "0.000000000000", cacheSavedUsd: "0.000007350000", status: "success" });
});

test("stream: the hit replays the chunks with the usage chunk and [DONE], without reaching the fake", async ({ request }) => {
  const key = await createKey(request, { response_cache: "key" });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const text = question();
  const body = ask(text, { stream: true, stream_options: { include_usage: true } });
  const miss = await chat(request, key.key, body);
  expect(miss.headers()["x-modelgate-cache"]).toBe("miss");
  const missChunks = sseData(await miss.text());
  await stored();
  const hit = await chat(request, key.key, body);
  expect(hit.headers()["x-modelgate-cache"]).toBe("hit");
  expect(hit.headers()["content-type"]).toContain("text/event-stream");
  const events = sseData(await hit.text());
  expect(events.at(-1)).toBe("[DONE]");
  const chunks = events.slice(0, -1).map((data) => JSON.parse(data));
  const content = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? "").join("");
  const missContent = missChunks.slice(0, -1).map((data) => JSON.parse(data).choices[0]?.delta?.content ?? "").join("");
  expect(content).toBe(missContent);
  expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe("stop");
  expect(chunks.at(-1).usage).toEqual(JSON.parse(missChunks.at(-2)!).usage);
  expect(await reachedFake(text)).toBe(1);
  expect(await ledgerRow(request, hit.headers()["x-request-id"])).toMatchObject({ cacheStatus: "hit", stream: true, upstreamAttempts: 0, costUsd: "0.000000000000" });
});

test("bypass headers: no-store neither reads nor writes; no-cache skips the lookup and stores", async ({ request }) => {
  const key = await createKey(request, { response_cache: "key" });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const text = question();
  await chat(request, key.key, ask(text));
  await stored();
  const noStore = await chat(request, key.key, ask(text), { "cache-control": "no-store" });
  expect(noStore.headers()["x-modelgate-cache"]).toBe("bypass");
  expect(await reachedFake(text)).toBe(2);
  const header = await chat(request, key.key, ask(text), { "x-modelgate-cache": "bypass" });
  expect(header.headers()["x-modelgate-cache"]).toBe("bypass");
  expect(await reachedFake(text)).toBe(3);
  expect(await ledgerRow(request, header.headers()["x-request-id"])).toMatchObject({ cacheStatus: "bypass", upstreamAttempts: 1 });

  const fresh = question();
  const refreshed = await chat(request, key.key, ask(fresh), { "cache-control": "no-cache" });
  expect(refreshed.headers()["x-modelgate-cache"]).toBe("bypass");
  await stored();
  expect((await chat(request, key.key, ask(fresh))).headers()["x-modelgate-cache"]).toBe("hit");
  expect(await reachedFake(fresh)).toBe(1);
});

test("another key with its own entries misses; a key without a cache is not marked", async ({ request }) => {
  const [first, second, plain] = [await createKey(request, { response_cache: "key" }), await createKey(request, { response_cache: "key" }), await createKey(request)];
  await new Promise((resolve) => setTimeout(resolve, 500));
  const text = question();
  await chat(request, first.key, ask(text));
  await stored();
  expect((await chat(request, second.key, ask(text))).headers()["x-modelgate-cache"]).toBe("miss");
  const unmarked = await chat(request, plain.key, ask(text));
  expect(unmarked.headers()["x-modelgate-cache"]).toBeUndefined();
  expect((await ledgerRow(request, unmarked.headers()["x-request-id"])).cacheStatus).toBeNull();
});

test("a budgeted key: hits are never charged to its budget", async ({ request }) => {
  const key = await createKey(request, { response_cache: "key" });
  const created = await request.post("/api/admin/budgets", { headers: adminHeaders(), data: { scope: "key", scope_id: key.id, period: "monthly", limit_usd: "1" } });
  expect(created.status()).toBe(201);
  const budget = await created.json();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const text = question();
  const ids: string[] = [];
  for (let round = 0; round < 4; round++) {
    const response = await chat(request, key.key, ask(text));
    expect(response.status()).toBe(200);
    expect(response.headers()["x-modelgate-cache"]).toBe(round === 0 ? "miss" : "hit");
    ids.push(response.headers()["x-request-id"]);
    if (round === 0) await stored();
  }
  for (const id of ids) await ledgerRow(request, id);
  const deadline = Date.now() + 5000;
  let state: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    state = await (await request.get(`/api/admin/budgets/${budget.id}`, { headers: adminHeaders() })).json();
    if (state.reserved_usd === "0.000000000000" && state.spent_usd !== "0.000000000000") break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // One answer's cost (21 + 7 tokens of gpt-4o-mini): the three hits added nothing.
  expect(state).toMatchObject({ spent_usd: "0.000007350000", reserved_usd: "0.000000000000" });
  expect(await reachedFake(text)).toBe(1);
});

test("the org default is read and written through the admin API; bad values are 400s naming the field", async ({ request }) => {
  const current = await (await request.get("/api/admin/cache", { headers: adminHeaders() })).json();
  expect(current).toMatchObject({ mode: "off" });
  const saved = await request.put("/api/admin/cache", { headers: adminHeaders(), data: { mode: "off", ttl_seconds: 900 } });
  expect(saved.status()).toBe(200);
  expect(await saved.json()).toEqual({ mode: "off", ttl_seconds: 900, semantic: null });
  const bad = await request.put("/api/admin/cache", { headers: adminHeaders(), data: { mode: "always" } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatchObject({ code: "invalid_value", param: "mode" });
});
