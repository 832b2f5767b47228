/**
 * The response cache in the pipeline, with the OpenAI fake and the real Redis store (a unique prefix): a miss reaches
 * the fake and is stored, a hit does not (the fake's received count), is replayed in each delivery and format, and is
 * recorded at zero cost with what it saved; bypass headers; org and key scopes; what is never stored.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_TEXT } from "@/e2e/fakes/common";
import { FAKE_OPENAI_API_KEY, FAKE_TOOL_ARGUMENTS, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import type { CacheStore } from "../cache/cache-store";
import { createRedisCacheStore } from "../cache/redis-store";
import { createMemoryResponseStore } from "../inbound/responses/response-store";
import { deleteRedisKeys, TEST_REDIS_URL, uniquePrefix } from "../rate-limit/test-redis";
import { makeKey, makeModel, readCleanChatStream, readSse, startTestGateway, until } from "./harness";

const OTHER_ORG = "00000000-0000-4000-8000-0000000000ff";
const prefix = uniquePrefix();
let fake: FakeUpstream;
let store: CacheStore;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const orgKey = makeKey({ cache: { scope: "org", ttlSeconds: 60 } });
const orgKey2 = makeKey({ cache: { scope: "org", ttlSeconds: 60 } });
const scopedKey = makeKey({ cache: { scope: "key", ttlSeconds: 60 } });
const scopedKey2 = makeKey({ cache: { scope: "key", ttlSeconds: 60 } });
const plainKey = makeKey();
const otherOrgKey = makeKey({ orgId: OTHER_ORG, cache: { scope: "org", ttlSeconds: 60 } });

beforeAll(async () => {
  fake = await startFakeOpenAI();
  store = createRedisCacheStore({ url: TEST_REDIS_URL, prefix, commandTimeoutMs: 1000 });
  const model = makeModel("mini", "openai", `${fake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini");
  const otherOrgModel = { ...makeModel("mini", "openai", `${fake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"), orgId: OTHER_ORG };
  gateway = await startTestGateway({
    keys: [orgKey.entry, orgKey2.entry, scopedKey.entry, scopedKey2.entry, plainKey.entry, otherOrgKey.entry],
    models: [model, otherOrgModel],
    responseCache: store,
  });
  gateway.deps.responses = createMemoryResponseStore();
});
afterAll(async () => {
  await gateway?.close();
  await fake?.close();
  await store?.stop();
  await deleteRedisKeys([prefix]);
});

let counter = 0;
/** A question no other test asks, so each test starts from an empty cache. */
const question = (tag = "") => `Question ${++counter} ${crypto.randomUUID()} ${tag}`;

function chat(token: string, body: Record<string, unknown>, path = "/v1/chat/completions", headers: Record<string, string> = {}) {
  return fetch(`${gateway.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}
const ask = (text: string, extra: Record<string, unknown> = {}) => ({ model: "mini", messages: [{ role: "user", content: text }], ...extra });
/** Waits for the stored answer to land (stores are written off the response path). */
async function stored(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50));
}
const rowOf = async (id: string | null) => {
  await until(() => gateway.rows.some((row) => row.id === id));
  return gateway.rows.find((row) => row.id === id)!;
};

describe("exact cache: miss, then hit", () => {
  test("non-stream: the hit is the same answer with a new id, never reaches the provider, and costs nothing", async () => {
    const text = question();
    const before = fake.received.length;
    const miss = await chat(orgKey.token, ask(text));
    expect(miss.status).toBe(200);
    expect(miss.headers.get("x-modelgate-cache")).toBe("miss");
    const missBody = await miss.json();
    await stored();
    const hit = await chat(orgKey.token, ask(text));
    expect(hit.status).toBe(200);
    expect(hit.headers.get("x-modelgate-cache")).toBe("hit");
    expect(Number(hit.headers.get("x-modelgate-cache-age"))).toBeGreaterThanOrEqual(0);
    const hitBody = await hit.json();
    expect(fake.received.length - before).toBe(1);
    expect(hitBody.choices).toEqual(missBody.choices);
    expect(hitBody.usage).toEqual(missBody.usage);
    expect(hitBody.object).toBe("chat.completion");
    expect(hitBody.id).not.toBe(missBody.id);
    expect(hit.headers.get("x-request-id")).not.toBe(miss.headers.get("x-request-id"));

    const missRow = await rowOf(miss.headers.get("x-request-id"));
    const hitRow = await rowOf(hit.headers.get("x-request-id"));
    expect(missRow).toMatchObject({ cacheStatus: "miss", cacheSavedUsd: null, upstreamAttempts: 1, status: "success" });
    expect(Number(missRow.costUsd)).toBeGreaterThan(0);
    expect(hitRow).toMatchObject({ cacheStatus: "hit", costUsd: "0.000000000000", upstreamAttempts: 0, inputTokens: 0, outputTokens: 0, status: "success", httpStatus: 200 });
    expect(hitRow.cacheSavedUsd).toBe(missRow.costUsd);
  });

  test("stream: the hit replays the chunks, the usage chunk and [DONE] without reaching the provider", async () => {
    const text = question();
    const body = ask(text, { stream: true, stream_options: { include_usage: true } });
    const before = fake.received.length;
    const miss = await chat(orgKey.token, body);
    expect(miss.headers.get("x-modelgate-cache")).toBe("miss");
    const missChunks = await readCleanChatStream(miss, FAKE_TEXT);
    await stored();
    const hit = await chat(orgKey.token, body);
    expect(hit.headers.get("x-modelgate-cache")).toBe("hit");
    expect(hit.headers.get("content-type")).toContain("text/event-stream");
    const chunks = await readCleanChatStream(hit, FAKE_TEXT);
    expect(fake.received.length - before).toBe(1);
    expect(chunks[0].object).toBe("chat.completion.chunk");
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks.at(-1).choices).toEqual([]);
    expect(chunks.at(-1).usage).toEqual(missChunks.at(-1).usage);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks[0].id).not.toBe(missChunks[0].id);
    const hitRow = await rowOf(hit.headers.get("x-request-id"));
    expect(hitRow).toMatchObject({ cacheStatus: "hit", stream: true, upstreamAttempts: 0, costUsd: "0.000000000000" });
  });

  test("a streamed answer is replayed to a non-stream request (delivery is not part of the key), and without a usage chunk when not asked", async () => {
    const text = question();
    const before = fake.received.length;
    await readCleanChatStream(await chat(orgKey.token, ask(text, { stream: true })), FAKE_TEXT);
    await stored();
    const json = await chat(orgKey.token, ask(text));
    expect(json.headers.get("x-modelgate-cache")).toBe("hit");
    expect((await json.json()).choices[0].message.content).toBe(FAKE_TEXT);
    const streamed = await chat(orgKey.token, ask(text, { stream: true }));
    const events = await readSse(streamed);
    expect(events.at(-1)).toBe("[DONE]");
    expect(events.slice(0, -1).every((data) => !("usage" in JSON.parse(data)))).toBe(true);
    expect(fake.received.length - before).toBe(1);
  });

  test("a tool call is stored and replayed with its arguments", async () => {
    const body = ask(`${question()} [[fake:tool]]`, { tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }] });
    const before = fake.received.length;
    const miss = await (await chat(orgKey.token, body)).json();
    await stored();
    const hit = await chat(orgKey.token, body);
    expect(hit.headers.get("x-modelgate-cache")).toBe("hit");
    const hitBody = await hit.json();
    expect(hitBody.choices[0].finish_reason).toBe("tool_calls");
    expect(hitBody.choices[0].message.tool_calls[0].function).toEqual({ name: "get_weather", arguments: FAKE_TOOL_ARGUMENTS });
    expect(hitBody.choices).toEqual(miss.choices);
    expect(fake.received.length - before).toBe(1);
  });

  test("the Anthropic Messages format gets its own entries and replays in its own shape", async () => {
    const text = question();
    await (await chat(orgKey.token, ask(text))).json();
    await stored();
    const body = { model: "mini", max_tokens: 100, messages: [{ role: "user", content: text }] };
    const first = await chat(orgKey.token, body, "/v1/messages");
    expect(first.headers.get("x-modelgate-cache")).toBe("miss");
    await first.json();
    await stored();
    const second = await chat(orgKey.token, body, "/v1/messages");
    expect(second.headers.get("x-modelgate-cache")).toBe("hit");
    const message = await second.json();
    expect(message).toMatchObject({ type: "message", role: "assistant", content: [{ type: "text", text: FAKE_TEXT }] });
  });
});

test("the Responses API: a hit is a new stored response that a follow-up can chain from, streamed in Responses events", async () => {
  const text = question();
  const first = await chat(orgKey.token, { model: "mini", input: text }, "/v1/responses");
  expect(first.headers.get("x-modelgate-cache")).toBe("miss");
  const firstBody = await first.json();
  await stored();
  const hit = await chat(orgKey.token, { model: "mini", input: text }, "/v1/responses");
  expect(hit.headers.get("x-modelgate-cache")).toBe("hit");
  const hitBody = await hit.json();
  expect(hitBody).toMatchObject({ object: "response", status: "completed", output_text: firstBody.output_text });
  expect(hitBody.id).not.toBe(firstBody.id);
  const followUp = await chat(orgKey.token, { model: "mini", input: "And then?", previous_response_id: hitBody.id }, "/v1/responses");
  expect(followUp.status).toBe(200);
  expect(followUp.headers.get("x-modelgate-cache")).toBe("miss");

  const streamed = await chat(orgKey.token, { model: "mini", input: text, stream: true }, "/v1/responses");
  expect(streamed.headers.get("x-modelgate-cache")).toBe("hit");
  const events = (await readSse(streamed)).map((data) => JSON.parse(data));
  expect(events[0].type).toBe("response.created");
  expect(events.at(-1)).toMatchObject({ type: "response.completed", response: { status: "completed" } });
  expect(events.filter((event) => event.type === "response.output_text.delta").map((event) => event.delta).join("")).toBe(firstBody.output_text);
});

describe("scopes", () => {
  test("the same request in another org misses", async () => {
    const text = question();
    await (await chat(orgKey.token, ask(text))).json();
    await stored();
    const other = await chat(otherOrgKey.token, ask(text));
    expect(other.headers.get("x-modelgate-cache")).toBe("miss");
  });

  test("org scope: another key of the org hits; key scope: another key misses", async () => {
    const shared = question();
    await (await chat(orgKey.token, ask(shared))).json();
    await stored();
    expect((await chat(orgKey2.token, ask(shared))).headers.get("x-modelgate-cache")).toBe("hit");

    const own = question();
    await (await chat(scopedKey.token, ask(own))).json();
    await stored();
    expect((await chat(scopedKey.token, ask(own))).headers.get("x-modelgate-cache")).toBe("hit");
    expect((await chat(scopedKey2.token, ask(own))).headers.get("x-modelgate-cache")).toBe("miss");
    expect((await chat(orgKey.token, ask(own))).headers.get("x-modelgate-cache")).toBe("miss");
  });

  test("a parameter that changes the answer misses", async () => {
    const text = question();
    await (await chat(orgKey.token, ask(text, { temperature: 0 }))).json();
    await stored();
    expect((await chat(orgKey.token, ask(text, { temperature: 0.5 }))).headers.get("x-modelgate-cache")).toBe("miss");
    expect((await chat(orgKey.token, ask(text, { temperature: 0, seed: 1 }))).headers.get("x-modelgate-cache")).toBe("miss");
    expect((await chat(orgKey.token, ask(text, { temperature: 0 }))).headers.get("x-modelgate-cache")).toBe("hit");
  });

  test("a key without a cache gets no cache header and no ledger mark", async () => {
    const response = await chat(plainKey.token, ask(question()));
    expect(response.headers.get("x-modelgate-cache")).toBeNull();
    expect((await rowOf(response.headers.get("x-request-id"))).cacheStatus).toBeNull();
  });
});

describe("per-request bypass", () => {
  test("no-store: neither looked up nor stored", async () => {
    const text = question();
    await (await chat(orgKey.token, ask(text))).json();
    await stored();
    const bypassed = await chat(orgKey.token, ask(text), undefined, { "cache-control": "no-store" });
    expect(bypassed.headers.get("x-modelgate-cache")).toBe("bypass");
    expect((await rowOf(bypassed.headers.get("x-request-id"))).upstreamAttempts).toBe(1);

    const fresh = question();
    await (await chat(orgKey.token, ask(fresh), undefined, { "x-modelgate-cache": "bypass" })).json();
    await stored();
    expect((await chat(orgKey.token, ask(fresh))).headers.get("x-modelgate-cache")).toBe("miss");
  });

  test("no-cache: the lookup is skipped but the fresh answer is stored", async () => {
    const text = question();
    const before = fake.received.length;
    const refreshed = await chat(orgKey.token, ask(text), undefined, { "cache-control": "no-cache" });
    expect(refreshed.headers.get("x-modelgate-cache")).toBe("bypass");
    await refreshed.json();
    await stored();
    expect((await chat(orgKey.token, ask(text))).headers.get("x-modelgate-cache")).toBe("hit");
    expect(fake.received.length - before).toBe(1);
  });
});

describe("never stored", () => {
  test("a stream cut mid-way", async () => {
    const body = ask(`${question()} [[fake:cut]]`, { stream: true });
    await (await chat(orgKey.token, body)).text();
    await stored();
    expect((await chat(orgKey.token, body)).headers.get("x-modelgate-cache")).toBe("miss");
  });

  test("an upstream error", async () => {
    const body = ask(`${question()} [[fake:error:500]]`);
    expect((await chat(orgKey.token, body)).status).toBe(502);
    await stored();
    expect((await chat(orgKey.token, body)).headers.get("x-modelgate-cache")).toBe("miss");
  });
});
