import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "@/e2e/fakes/anthropic-fake";
import { FAKE_TEXT, type FakeUpstream, type RecordedRequest } from "@/e2e/fakes/common";
import { FAKE_GEMINI_API_KEY, startFakeGemini } from "@/e2e/fakes/gemini-fake";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { makeKey, makeModel, postJson, readSse, startTestGateway } from "./harness";

let openaiFake: FakeUpstream;
let anthropicFake: FakeUpstream;
let geminiFake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();
const limitedKey = makeKey({ allowedModels: new Set(["mini"]) });
const expiredKey = makeKey({ expiresAt: Date.now() - 1000 });

beforeAll(async () => {
  [openaiFake, anthropicFake, geminiFake] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  gateway = await startTestGateway({
    keys: [key.entry, limitedKey.entry, expiredKey.entry],
    models: [
      makeModel("mini", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"),
      makeModel("haiku", "anthropic", `${anthropicFake.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001"),
      makeModel("flash", "gemini", `${geminiFake.url}/v1beta`, FAKE_GEMINI_API_KEY, "gemini-2.5-flash"),
    ],
    firstTokenTimeoutMs: 1500,
    idleMs: 800,
  });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openaiFake.close(), anthropicFake.close(), geminiFake.close()]);
});

const chat = (body: unknown, token = key.token, signal?: AbortSignal) => postJson(`${gateway.url}/v1/chat/completions`, token, body, signal);

const lastRequest = (fake: FakeUpstream): RecordedRequest => fake.received.at(-1)!;

describe.each(["mini", "haiku", "flash"])("%s through the gateway", (model) => {
  test("non-stream text with usage and exact cost", async () => {
    const before = gateway.rows.length;
    const response = await chat({ model, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }], temperature: 0.5, max_tokens: 50, stop: ["END"] });
    expect(response.status).toBe(200);
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toMatch(/^req_[0-9a-f]{24}$/);
    const body = await response.json();
    expect(body).toMatchObject({ object: "chat.completion", model, choices: [{ index: 0, message: { role: "assistant", content: FAKE_TEXT }, finish_reason: "stop" }] });
    expect(body.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 7, total_tokens: 28 });
    const rows = await gateway.waitForRows(before + 1);
    expect(rows.at(-1)).toMatchObject({ id: requestId, status: "success", httpStatus: 200, inputTokens: 21, outputTokens: 7, tokensEstimated: false, costUsd: "0.000007350000", stream: false });
  });

  test("stream: OpenAI chunks, usage chunk, [DONE]", async () => {
    const before = gateway.rows.length;
    const response = await chat({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Hi [[fake:cached]]" }] });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = await readSse(response);
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((data) => JSON.parse(data));
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? "").join("")).toBe(FAKE_TEXT);
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe("stop");
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 8 } });
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    // 13 × 0.15 + 8 × 0.075 + 7 × 0.60 = 6.75 µ$
    expect(row).toMatchObject({ status: "success", stream: true, inputTokens: 21, cachedInputTokens: 8, outputTokens: 7, costUsd: "0.000006750000" });
    expect(row.ttftMs).toBeGreaterThanOrEqual(0);
  });

  test("a cut stream ends with an error event and no [DONE], billed as estimated", async () => {
    const before = gateway.rows.length;
    const response = await chat({ model, stream: true, messages: [{ role: "user", content: "Hi [[fake:cut]]" }] });
    expect(response.status).toBe(200);
    const events = await readSse(response);
    expect(events).not.toContain("[DONE]");
    const last = JSON.parse(events.at(-1)!);
    expect(last.error).toMatchObject({ type: "upstream_error", code: "stream_cut" });
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    expect(row).toMatchObject({ status: "error", errorKind: "stream_cut", tokensEstimated: true });
    expect(row.outputTokens).toBeGreaterThan(0);
    expect(Number(row.costUsd)).toBeGreaterThan(0);
  });

  test("a stalled stream is ended by the idle timeout with an error event", async () => {
    const before = gateway.rows.length;
    const response = await chat({ model, stream: true, messages: [{ role: "user", content: "Hi [[fake:stall]]" }] });
    const events = await readSse(response);
    expect(events).not.toContain("[DONE]");
    expect(JSON.parse(events.at(-1)!).error.code).toBe("timeout_idle");
    expect((await gateway.waitForRows(before + 1)).at(-1)).toMatchObject({ status: "error", errorKind: "timeout" });
  });

  test("a client abort closes the upstream request and is billed once", async () => {
    const before = gateway.rows.length;
    const controller = new AbortController();
    const response = await chat({ model, stream: true, messages: [{ role: "user", content: "Hi [[fake:slow]]" }] }, key.token, controller.signal);
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    const fake = model === "mini" ? openaiFake : model === "haiku" ? anthropicFake : geminiFake;
    const deadline = Date.now() + 3000;
    while (lastRequest(fake).outcome === "pending" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lastRequest(fake).outcome).toBe("client_closed");
    const rows = await gateway.waitForRows(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const mine = rows.slice(before);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: "aborted", clientAborted: true, tokensEstimated: true });
    expect(mine[0].outputTokens).toBeGreaterThan(0);
  });

  test("upstream 429 keeps Retry-After in the OpenAI error shape", async () => {
    const response = await chat({ model, messages: [{ role: "user", content: "Hi [[fake:error:429]]" }] });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = await response.json();
    expect(body.error).toMatchObject({ type: expect.any(String), code: expect.any(String) });
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|sk-|fake-gemini-key/);
  });

  test("upstream 500 is a 502 without upstream details", async () => {
    const response = await chat({ model, messages: [{ role: "user", content: "Hi [[fake:error:500]]" }] });
    expect(response.status).toBe(502);
    const body = await response.json();
    expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|stack|at \w+ \(/);
  });
});

describe("authentication and validation", () => {
  test.each([
    ["no header", {}, 401, "invalid_api_key"],
    ["not a virtual key", { authorization: "Bearer sk-live-123" }, 401, "invalid_api_key"],
    ["unknown virtual key", { authorization: `Bearer ${makeKey().token}` }, 401, "invalid_api_key"],
    ["expired key", { authorization: `Bearer ${expiredKey.token}` }, 401, "invalid_api_key"],
  ])("%s → %i and no ledger row", async (_name, headers, status, code) => {
    const before = gateway.rows.length;
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ model: "mini", messages: [{ role: "user", content: "x" }] }) });
    expect(response.status).toBe(status);
    expect((await response.json()).error.code).toBe(code);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gateway.rows.length).toBe(before);
  });

  test.each([
    ["bad JSON", "{", 400, "invalid_json", null],
    ["missing messages", { model: "mini" }, 400, "missing_required_parameter", "messages"],
    ["wrong type", { model: "mini", messages: [{ role: "user", content: "x" }], temperature: "hot" }, 400, "invalid_type", "temperature"],
    ["bad role", { model: "mini", messages: [{ role: "wizard", content: "x" }] }, 400, "invalid_value", "messages[0].role"],
    ["unknown model", { model: "nope", messages: [{ role: "user", content: "x" }] }, 404, "model_not_found", "model"],
  ])("%s → %i %s", async (_name, body, status, code, param) => {
    const response = await chat(body);
    expect(response.status).toBe(status);
    const json = await response.json();
    expect(json.error).toMatchObject({ code, param });
  });

  test("a model outside the key's allow-list is not found", async () => {
    const response = await chat({ model: "haiku", messages: [{ role: "user", content: "x" }] }, limitedKey.token);
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe("model_not_found");
  });

  test("GET /v1/models lists only the key's models", async () => {
    const all = await (await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${key.token}` } })).json();
    expect(all.data.map((model: { id: string }) => model.id)).toEqual(["flash", "haiku", "mini"]);
    const limited = await (await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${limitedKey.token}` } })).json();
    expect(limited).toMatchObject({ object: "list", data: [{ id: "mini", object: "model", owned_by: "openai" }] });
  });

  test("oversized bodies get 413 in the OpenAI error shape", async () => {
    const response = await chat({ model: "mini", messages: [{ role: "user", content: "x".repeat(1024 * 1024 + 10) }] });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("request_too_large");
  });

  test("unsupported parameters produce warnings in a header and on the ledger row", async () => {
    const before = gateway.rows.length;
    const response = await chat({ model: "haiku", messages: [{ role: "user", content: "x" }], logprobs: true, seed: 3 });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toContain("unsupported_parameter:logprobs");
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    expect(row.warnings?.map((warning) => warning.param)).toEqual(expect.arrayContaining(["logprobs", "seed"]));
  });

  test("parameters arrive translated at the provider", async () => {
    await chat({ model: "haiku", messages: [{ role: "system", content: "S" }, { role: "user", content: "U" }], temperature: 0.3, top_p: 0.9, max_completion_tokens: 77, stop: "END" });
    expect(lastRequest(anthropicFake).body).toMatchObject({ model: "claude-haiku-4-5-20251001", system: "S", temperature: 0.3, top_p: 0.9, max_tokens: 77, stop_sequences: ["END"] });
    await chat({ model: "flash", messages: [{ role: "system", content: "S" }, { role: "user", content: "U" }], temperature: 0.3, top_p: 0.9, max_tokens: 77, stop: ["A", "B"] });
    expect(lastRequest(geminiFake).body).toMatchObject({ generationConfig: { temperature: 0.3, topP: 0.9, maxOutputTokens: 77, stopSequences: ["A", "B"] } });
    expect(lastRequest(geminiFake).headers["x-goog-api-key"]).toBe(FAKE_GEMINI_API_KEY);
  });
});
