import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { request } from "undici";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { StreamEvent, Target } from "@/server/gateway/types";
import { openai } from "@/server/providers/openai";
import { FAKE_TEXT, FAKE_TEXT_DELTAS, FAKE_USAGE, type FakeUpstream } from "./common";
import { FAKE_OPENAI_API_KEY, FAKE_TOOL_ARGUMENTS, startFakeOpenAI } from "./openai-fake";
import { sendThroughAdapter } from "./round-trip";

let fake: FakeUpstream;
let target: Target;

beforeAll(async () => {
  fake = await startFakeOpenAI(0);
  target = { provider: "openai", connectionId: "conn_fake", baseUrl: `${fake.url}/v1`, apiKey: FAKE_OPENAI_API_KEY, upstreamModel: "gpt-4o-mini", modelName: "fast" };
});
afterAll(() => fake.close());

const authorized = { authorization: `Bearer ${FAKE_OPENAI_API_KEY}`, "content-type": "application/json" };

async function post(body: unknown, headers: Record<string, string> = authorized) {
  const response = await request(`${fake.url}/v1/chat/completions`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: response.statusCode, headers: response.headers, json: (await response.body.json()) as { error?: Record<string, unknown> } & Record<string, unknown> };
}

/** buildRequest → fake → sseDecoder → parseStream, as the gateway chains them. */
function roundTrip(fields: Record<string, unknown>, overrides: Partial<Target> = {}) {
  const upstream = openai.buildRequest(chatRequestSchema.parse({ model: "fast", ...fields }), { ...target, ...overrides });
  return sendThroughAdapter(openai, upstream, fields.stream === true);
}

const user = (text: string) => [{ role: "user", content: text }];
const textOf = (events: StreamEvent[]) => events.map((event) => (event.type === "text-delta" ? event.text : "")).join("");

describe("openai fake: direct requests", () => {
  test("a valid request gets FAKE_TEXT and usage", async () => {
    const response = await post({ model: "gpt-4o-mini", messages: user("Hi") });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: FAKE_TEXT }, finish_reason: "stop" }],
      usage: { prompt_tokens: 21, completion_tokens: 7, total_tokens: 28, prompt_tokens_details: { cached_tokens: 0 } },
    });
  });

  test("GET /v1/models lists models", async () => {
    const response = await request(`${fake.url}/v1/models`, { headers: authorized });
    expect(response.statusCode).toBe(200);
    expect(((await response.body.json()) as { data: { id: string }[] }).data.map((model) => model.id)).toContain("gpt-4o-mini");
  });

  test.each([
    { name: "missing key", body: { model: "gpt-4o-mini", messages: user("Hi") }, headers: { "content-type": "application/json" }, status: 401, code: null, param: null },
    { name: "wrong key", body: { model: "gpt-4o-mini", messages: user("Hi") }, headers: { authorization: "Bearer sk-wrong-key-123456", "content-type": "application/json" }, status: 401, code: "invalid_api_key", param: null },
    { name: "invalid JSON", body: "{not json", status: 400, code: null, param: null },
    { name: "unknown field", body: { model: "gpt-4o-mini", messages: user("Hi"), thinking: { type: "enabled" } }, status: 400, code: null, param: null, message: "Unrecognized request argument supplied: thinking" },
    { name: "unknown model", body: { model: "claude-3", messages: user("Hi") }, status: 404, code: "model_not_found", param: null },
    { name: "missing messages", body: { model: "gpt-4o-mini" }, status: 400, code: "missing_required_parameter", param: "messages" },
    { name: "bad role", body: { model: "gpt-4o-mini", messages: [{ role: "bot", content: "x" }] }, status: 400, code: "invalid_value", param: "messages[0].role" },
    { name: "temperature type", body: { model: "gpt-4o-mini", messages: user("Hi"), temperature: "hot" }, status: 400, code: "invalid_type", param: "temperature" },
    { name: "temperature range", body: { model: "gpt-4o-mini", messages: user("Hi"), temperature: 3 }, status: 400, code: "decimal_above_max_value", param: "temperature" },
    { name: "stream_options without stream", body: { model: "gpt-4o-mini", messages: user("Hi"), stream_options: { include_usage: true } }, status: 400, code: null, param: "stream_options" },
    { name: "reasoning_effort on gpt-4o-mini", body: { model: "gpt-4o-mini", messages: user("Hi"), reasoning_effort: "low" }, status: 400, code: null, param: null },
    { name: "max_tokens on o4-mini", body: { model: "o4-mini", messages: user("Hi"), max_tokens: 10 }, status: 400, code: "unsupported_parameter", param: "max_tokens" },
    { name: "reasoning_content in history", body: { model: "gpt-4o-mini", messages: [...user("Hi"), { role: "assistant", content: "x", reasoning_content: "y" }] }, status: 400, code: null, param: "messages.[1]" },
    { name: "tool result without tool call", body: { model: "gpt-4o-mini", messages: [...user("Hi"), { role: "tool", tool_call_id: "call_1", content: "x" }] }, status: 400, code: null, param: "messages.[1].role" },
    { name: "unanswered tool call", body: { model: "gpt-4o-mini", messages: [...user("Hi"), { role: "assistant", tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }] }, ...user("Next")] }, status: 400, code: null, param: "messages.[1].role" },
    { name: "tool_choice without tools", body: { model: "gpt-4o-mini", messages: user("Hi"), tool_choice: "auto" }, status: 400, code: "invalid_value", param: "tool_choice" },
    { name: "json_object without 'json'", body: { model: "gpt-4o-mini", messages: user("Hi"), response_format: { type: "json_object" } }, status: 400, code: null, param: "messages" },
  ])("rejects: $name", async ({ body, headers, status, code, param, message }) => {
    const response = await post(body, (headers ?? authorized) as Record<string, string>);
    expect(response.status).toBe(status);
    expect(response.json.error).toMatchObject({ type: "invalid_request_error", code, param, ...(message ? { message } : {}) });
  });
});

describe("openai fake: round trip through the adapter", () => {
  test("text stream", async () => {
    const { events } = await roundTrip({ messages: user("Hi"), stream: true });
    expect(events?.filter((event) => event.type === "text-delta").map((event) => (event as { text: string }).text)).toEqual(FAKE_TEXT_DELTAS);
    expect(events?.at(-1)).toEqual({ type: "finish", finishReasons: ["stop"], usage: { inputTokens: 21, outputTokens: 7, cachedInputTokens: 0, reasoningTokens: 0 } });
  });

  test("cached usage", async () => {
    const { events } = await roundTrip({ messages: user("Hi [[fake:cached]]"), stream: true });
    expect(events?.at(-1)).toMatchObject({ type: "finish", usage: { inputTokens: 21, outputTokens: 7, cachedInputTokens: 8 } });
  });

  test("no usage", async () => {
    const { events } = await roundTrip({ messages: user("Hi [[fake:nousage]]"), stream: true });
    expect(events?.at(-1)).toEqual({ type: "finish", finishReasons: ["stop"] });
  });

  test("tool call stream", async () => {
    const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { location: { type: "string" } } } } }];
    const { events } = await roundTrip({ messages: user("Weather? [[fake:tool]]"), tools, tool_choice: "auto", stream: true });
    const deltas = (events ?? []).filter((event) => event.type === "tool-call-delta");
    expect(deltas[0]).toMatchObject({ toolIndex: 0, id: "call_fake_1", name: "get_weather" });
    expect(deltas.map((delta) => delta.argumentsDelta).join("")).toBe(FAKE_TOOL_ARGUMENTS);
    expect(events?.at(-1)).toMatchObject({ type: "finish", finishReasons: ["tool_calls"] });
  });

  test("a cut stream ends with stream_cut and no finish", async () => {
    const { events } = await roundTrip({ messages: user("Hi [[fake:cut]]"), stream: true });
    expect(textOf(events ?? [])).toBe(FAKE_TEXT_DELTAS.slice(0, 2).join(""));
    expect(events?.at(-1)).toEqual({ type: "error", error: { kind: "stream_cut", provider: "openai" } });
    expect(events?.some((event) => event.type === "finish")).toBe(false);
  });

  test("non-stream with every parameter the adapter translates passes strict validation", async () => {
    const { status, result, upstream } = await roundTrip({
      messages: [
        { role: "system", content: "Answer in json." },
        { role: "developer", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Look" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }, { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{}" } }], reasoning_content: "hmm" },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
      temperature: 0.5, top_p: 0.9, max_tokens: 100, max_completion_tokens: 200, stop: ["END"], n: 1, seed: 1, presence_penalty: 0.1, frequency_penalty: 0.1,
      logprobs: true, top_logprobs: 2, user: "u1", metadata: { team: "a" },
      tools: [{ type: "function", function: { name: "get_weather", description: "w", parameters: { type: "object" }, strict: false } }],
      tool_choice: { type: "function", function: { name: "get_weather" } }, parallel_tool_calls: false,
      response_format: { type: "json_object" }, stream_options: { include_usage: true },
    });
    expect(upstream.warnings.map((warning) => warning.param)).toEqual(["reasoning_content", "max_tokens", "stream_options"]);
    expect(status).toBe(200);
    expect(result).toEqual({ ok: true, value: { choices: [{ index: 0, text: FAKE_TEXT, finishReason: "stop" }], usage: { inputTokens: 21, outputTokens: 7, cachedInputTokens: 0, reasoningTokens: 0 }, upstreamId: expect.stringMatching(/^chatcmpl-fake/) } });
  });

  test("reasoning model with reasoning_effort and max_completion_tokens: no reasoning text, reasoning tokens in usage", async () => {
    const { status, result } = await roundTrip({ messages: user("Hi"), reasoning_effort: "high", max_completion_tokens: 500 }, { upstreamModel: "o4-mini" });
    expect(status).toBe(200);
    expect(result).toMatchObject({ ok: true, value: { choices: [{ text: FAKE_TEXT }], usage: { inputTokens: 21, outputTokens: 7 + FAKE_USAGE.reasoning, reasoningTokens: FAKE_USAGE.reasoning } } });
    expect((result as { value: { choices: { reasoning?: string }[] } }).value.choices[0].reasoning).toBeUndefined();
  });

  test("a reasoning model's stream reports reasoning tokens in the usage chunk", async () => {
    const { events } = await roundTrip({ messages: user("Hi"), reasoning_effort: "low", stream: true }, { upstreamModel: "o4-mini" });
    expect(events?.some((event) => event.type === "reasoning-delta")).toBe(false);
    expect(events?.at(-1)).toEqual({ type: "finish", finishReasons: ["stop"], usage: { inputTokens: 21, outputTokens: 19, cachedInputTokens: 0, reasoningTokens: 12 } });
  });

  test("non-stream tool call", async () => {
    const tools = [{ type: "function", function: { name: "lookup" } }];
    const { result } = await roundTrip({ messages: user("Find [[fake:tool]]"), tools });
    expect(result).toMatchObject({ ok: true, value: { choices: [{ finishReason: "tool_calls", toolCalls: [{ id: "call_fake_1", name: "lookup", arguments: FAKE_TOOL_ARGUMENTS }] }] } });
  });

  test.each([
    { status: 400, code: "string_above_max_length" },
    { status: 401, code: "invalid_api_key" },
    { status: 403, code: "unsupported_country_region_territory" },
    { status: 404, code: "model_not_found" },
    { status: 429, code: "rate_limit_exceeded", retryAfterMs: 1000 },
    { status: 500, type: "server_error" },
    { status: 503, type: "server_error" },
  ])("scenario error:$status → parseError", async ({ status, code, type, retryAfterMs }) => {
    const { error } = await roundTrip({ messages: user(`Hi [[fake:error:${status}]]`), stream: true });
    expect(error).toMatchObject({ kind: "upstream", provider: "openai", status, ...(code ? { code } : {}), ...(type ? { type } : {}), ...(retryAfterMs ? { retryAfterMs } : {}) });
    expect((error as { message: string }).message).not.toMatch(/https?:/);
  });

  test.each(["stall", "slow"])("%s: deltas arrive, then the client leaves and the fake records it", async (name) => {
    const upstream = openai.buildRequest(chatRequestSchema.parse({ model: "fast", messages: user(`Hi [[fake:${name}]]`), stream: true }), target);
    const abort = new AbortController();
    const response = await request(upstream.url, { method: "POST", headers: upstream.headers, body: upstream.body, signal: abort.signal });
    let received = "";
    try {
      for await (const chunk of response.body) {
        received += String(chunk);
        if (received.includes(name === "stall" ? FAKE_TEXT_DELTAS[0] : "tick1 ")) abort.abort();
      }
    } catch {
      // aborted on purpose
    }
    expect(received).not.toContain("[DONE]");
    await expect.poll(() => fake.received.at(-1)?.outcome).toBe("client_closed");
  });

  test("a wrong key gets the provider's 401", async () => {
    const { error } = await roundTrip({ messages: user("Hi") }, { apiKey: "sk-wrong-key-abcdef" });
    expect(error).toMatchObject({ kind: "upstream", provider: "openai", status: 401, code: "invalid_api_key" });
  });
});
