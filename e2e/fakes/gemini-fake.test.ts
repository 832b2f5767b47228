import { request } from "undici";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { StreamEvent, Target } from "@/server/gateway/types";
import { gemini } from "@/server/providers/gemini";
import { FAKE_REASONING, FAKE_TEXT, FAKE_USAGE, type FakeUpstream } from "./common";
import { FAKE_GEMINI_API_KEY, startFakeGemini } from "./gemini-fake";
import { sendThroughAdapter } from "./round-trip";

let fake: FakeUpstream;
let target: Target;

beforeAll(async () => {
  fake = await startFakeGemini(0);
  target = { provider: "gemini", connectionId: "conn_fake", baseUrl: `${fake.url}/v1beta`, apiKey: FAKE_GEMINI_API_KEY, upstreamModel: "gemini-2.5-flash", modelName: "flash" };
});
afterAll(() => fake.close());

const endpoint = () => `${fake.url}/v1beta/models/gemini-2.5-flash:generateContent`;
const hello = { contents: [{ role: "user", parts: [{ text: "Hello" }] }] };

async function post(body: unknown, headers: Record<string, string> = { "x-goog-api-key": FAKE_GEMINI_API_KEY }, url = endpoint()) {
  const response = await request(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: (() => { try { return JSON.parse(text); } catch { return undefined; } })() };
}

/** adapter.buildRequest → fake → sseDecoder → adapter.parseStream */
async function roundTrip(fields: Record<string, unknown>): Promise<StreamEvent[]> {
  const upstream = gemini.buildRequest(chatRequestSchema.parse({ model: "flash", stream: true, ...fields }), target);
  const { status, events } = await sendThroughAdapter(gemini, upstream, true);
  expect(status).toBe(200);
  return events ?? [];
}

const say = (text: string) => ({ messages: [{ role: "user", content: text }] });
const textOf = (events: StreamEvent[]) => events.map((event) => (event.type === "text-delta" ? event.text : "")).join("");
const weatherTool = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };

describe("gemini fake: direct requests", () => {
  test("a valid request gets the fixed answer and usage", async () => {
    const response = await post(hello);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      candidates: [{ content: { parts: [{ text: FAKE_TEXT }], role: "model" }, finishReason: "STOP", index: 0 }],
      usageMetadata: { promptTokenCount: 21, candidatesTokenCount: 7, totalTokenCount: 28 },
    });
  });

  test.each([
    ["an OpenAI-only field", { ...hello, max_tokens: 10 }, 'Invalid JSON payload received. Unknown name "max_tokens": Cannot find field.'],
    ["an OpenAI role", { contents: [{ role: "assistant", parts: [{ text: "Hi" }] }] }, "Please use a valid role: user, model."],
    ["no contents", {}, "* GenerateContentRequest.contents: contents is not specified\n"],
    ["empty parts", { contents: [{ role: "user", parts: [] }] }, "* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.\n"],
    ["a wrong type", { ...hello, generationConfig: { temperature: "hot" } }, "Invalid value at 'generation_config.temperature' (TYPE_FLOAT), \"hot\""],
    ["an unknown generationConfig field", { ...hello, generationConfig: { max_tokens: 5 } }, 'Invalid JSON payload received. Unknown name "max_tokens" at \'generation_config\': Cannot find field.'],
    [
      "a function response without a call",
      { contents: [{ role: "user", parts: [{ functionResponse: { name: "f", response: { output: 1 } } }] }] },
      "Please ensure that function response turn comes immediately after a function call turn.",
    ],
    [
      "JSON Schema in the OpenAPI parameters field",
      { ...hello, tools: [{ functionDeclarations: [{ name: "f", parameters: { type: "object", additionalProperties: false } }] }] },
      'Invalid JSON payload received. Unknown name "additionalProperties" at \'tools[0].function_declarations[0].parameters\': Cannot find field.',
    ],
  ])("rejects %s with 400 INVALID_ARGUMENT", async (_, body, message) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.json.error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT", message });
  });

  test.each([
    ["missing key", {}, 403, "PERMISSION_DENIED", undefined],
    ["wrong key", { "x-goog-api-key": "nope" }, 400, "INVALID_ARGUMENT", "API_KEY_INVALID"],
  ])("authentication: %s", async (_, headers, status, statusName, reason) => {
    const response = await post(hello, headers);
    expect(response.status).toBe(status);
    expect(response.json.error.status).toBe(statusName);
    expect(response.json.error.details?.[0]?.reason).toBe(reason);
  });

  test("the key is never required in the query string, but is accepted there like the real API", async () => {
    expect((await post(hello, {}, `${endpoint()}?key=${FAKE_GEMINI_API_KEY}`)).status).toBe(200);
  });

  test("an unknown path is Google's HTML 404", async () => {
    const response = await post(hello, undefined, `${fake.url}/v1/chat/completions`);
    expect(response.status).toBe(404);
    expect(response.text).toContain("Error 404 (Not Found)");
  });

  test("error:429 answers RESOURCE_EXHAUSTED with retry-after, which the adapter reads", async () => {
    const response = await post({ contents: [{ role: "user", parts: [{ text: "[[fake:error:429]]" }] }] });
    expect(response.status).toBe(429);
    expect(response.headers["retry-after"]).toBe("1");
    const headers = new Headers({ "retry-after": "1" });
    expect(gemini.parseError(429, response.text, headers)).toMatchObject({ kind: "upstream", provider: "gemini", status: 429, type: "RESOURCE_EXHAUSTED", retryAfterMs: 1000 });
  });
});

describe("gemini fake: round trip through the adapter", () => {
  test("text stream", async () => {
    const events = await roundTrip(say("Hi"));
    expect(textOf(events)).toBe(FAKE_TEXT);
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["stop"], usage: { inputTokens: 21, outputTokens: 7 } });
  });

  test("cached usage", async () => {
    expect((await roundTrip(say("Hi [[fake:cached]]"))).at(-1)).toEqual({ type: "finish", finishReasons: ["stop"], usage: { inputTokens: 21, cachedInputTokens: 8, outputTokens: 7 } });
  });

  test("no usage", async () => {
    expect((await roundTrip(say("Hi [[fake:nousage]]"))).at(-1)).toEqual({ type: "finish", finishReasons: ["stop"] });
  });

  test("tool call", async () => {
    const events = await roundTrip({ ...say("Weather? [[fake:tool]]"), tools: [weatherTool], tool_choice: "required" });
    expect(events[0]).toMatchObject({ type: "tool-call-delta", toolIndex: 0, name: "get_weather", argumentsDelta: '{"city":"fake"}' });
    expect(events.at(-1)).toMatchObject({ type: "finish", finishReasons: ["tool_calls"] });
  });

  test("a cut stream ends with stream_cut and no finish", async () => {
    const events = await roundTrip(say("Hi [[fake:cut]]"));
    expect(textOf(events)).toBe("Hello from");
    expect(events.at(-1)).toEqual({ type: "error", error: { kind: "stream_cut", provider: "gemini" } });
    expect(events.some((event) => event.type === "finish")).toBe(false);
  });

  test("a translated multi-turn tool conversation with every parameter is accepted", async () => {
    const events = await roundTrip({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Weather?" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
        { role: "tool", tool_call_id: "call_1", content: '{"celsius":21}' },
        { role: "user", content: "Thanks" },
      ],
      tools: [weatherTool],
      tool_choice: { type: "function", function: { name: "get_weather" } },
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 64,
      stop: "END",
      seed: 1,
      presence_penalty: 0.1,
      frequency_penalty: 0.1,
      logprobs: true,
      top_logprobs: 2,
      response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object", properties: { a: { type: "string" } } } } },
      reasoning_effort: "low",
    });
    expect(events.at(-1)).toMatchObject({ type: "finish" });
  });

  test.each(["stall", "slow"])("%s: the first delta arrives, then the client can leave", async (scenario) => {
    const upstream = gemini.buildRequest(chatRequestSchema.parse({ model: "flash", stream: true, ...say(`Hi [[fake:${scenario}]]`) }), target);
    const abort = new AbortController();
    const response = await request(upstream.url, { method: "POST", headers: upstream.headers, body: upstream.body, signal: abort.signal });
    const first = await response.body[Symbol.asyncIterator]().next();
    expect(String(first.value)).toMatch(/^data: \{"candidates"/);
    abort.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.received.at(-1)?.outcome).toBe("client_closed");
  });

  test("includeThoughts: thought parts before the answer and thoughtsTokenCount, streamed and not", async () => {
    const events = await roundTrip({ ...say("Hi"), reasoning_effort: "low" });
    expect(events.filter((event) => event.type === "reasoning-delta").map((event) => (event as { text: string }).text).join("")).toBe(FAKE_REASONING);
    expect(textOf(events)).toBe(FAKE_TEXT);
    expect(events.at(-1)).toMatchObject({ type: "finish", usage: { outputTokens: 7 + FAKE_USAGE.reasoning, reasoningTokens: FAKE_USAGE.reasoning } });
    const direct = await post({ ...hello, generationConfig: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } } });
    expect(direct.json.candidates[0].content.parts).toEqual([{ text: FAKE_REASONING, thought: true }, { text: FAKE_TEXT }]);
    expect(direct.json.usageMetadata).toMatchObject({ candidatesTokenCount: 7, thoughtsTokenCount: FAKE_USAGE.reasoning, totalTokenCount: 21 + 7 + FAKE_USAGE.reasoning });
    const hidden = await post({ ...hello, generationConfig: { thinkingConfig: { thinkingBudget: 1024 } } });
    expect(hidden.json.candidates[0].content.parts).toEqual([{ text: FAKE_TEXT }]);
    expect(hidden.json.usageMetadata.thoughtsTokenCount).toBe(FAKE_USAGE.reasoning);
  });

  test("non-stream answer through parseResponse", async () => {
    const upstream = gemini.buildRequest(chatRequestSchema.parse({ model: "flash", ...say("Hi [[fake:cached]]") }), target);
    const response = await request(upstream.url, { method: "POST", headers: upstream.headers, body: upstream.body });
    expect(gemini.parseResponse(await response.body.json())).toMatchObject({
      ok: true,
      value: { choices: [{ index: 0, text: FAKE_TEXT, finishReason: "stop" }], usage: { inputTokens: 21, cachedInputTokens: 8, outputTokens: 7 } },
    });
  });
});
