import { describe, expect, test } from "vitest";
import type { StreamEvent } from "@/server/gateway/types";
import { collect, fixtureSse, readFixture } from "../test-utils";
import { gemini } from "./index";

const streamOf = (name: string, options: { cutAfterBytes?: number } = {}): Promise<StreamEvent[]> =>
  collect(fixtureSse(name, options).pipeThrough(gemini.parseStream()));

const eventsOf = (data: string[]): Promise<StreamEvent[]> =>
  collect(new ReadableStream({ start: (controller) => (data.forEach((item) => controller.enqueue({ data: item })), controller.close()) }).pipeThrough(gemini.parseStream()));

describe("gemini: parseResponse", () => {
  test("plain text with thinking usage", () => {
    expect(gemini.parseResponse(JSON.parse(readFixture("gemini-text.json")))).toEqual({
      ok: true,
      value: {
        choices: [{ index: 0, text: "Paris is the capital of France.", finishReason: "stop" }],
        usage: { inputTokens: 10, outputTokens: 31, reasoningTokens: 24 },
        upstreamId: "8U-uaLr9NrWN1PIPquLk8Aw",
      },
    });
  });

  test("a tool call gets a generated id and finish reason tool_calls; cached tokens are reported", () => {
    const result = gemini.parseResponse(JSON.parse(readFixture("gemini-tool-call.json")));
    if (!result.ok) throw new Error("expected ok");
    const [choice] = result.value.choices;
    expect(choice).toMatchObject({ index: 0, text: null, finishReason: "tool_calls", toolCalls: [{ name: "get_weather", arguments: '{"city":"Paris"}' }] });
    expect(choice.toolCalls?.[0].id).toMatch(/^call_0_[0-9a-f]{16}$/);
    expect(result.value.usage).toEqual({ inputTokens: 41, outputTokens: 15, cachedInputTokens: 32 });
  });

  test("a blocked prompt → content_filter", () => {
    expect(gemini.parseResponse(JSON.parse(readFixture("gemini-blocked.json")))).toEqual({
      ok: true,
      value: { choices: [{ index: 0, text: null, finishReason: "content_filter" }], usage: { inputTokens: 9, outputTokens: 0 }, upstreamId: "YlCuaKD5L4mP1PIPwIu44Qs" },
    });
  });

  test.each([
    ["STOP", "stop"],
    ["MAX_TOKENS", "length"],
    ["SAFETY", "content_filter"],
    ["RECITATION", "content_filter"],
    ["BLOCKLIST", "content_filter"],
    ["PROHIBITED_CONTENT", "content_filter"],
    ["SPII", "content_filter"],
    ["MALFORMED_FUNCTION_CALL", "stop"],
    ["OTHER", "stop"],
  ])("finishReason %s → %s", (reason, expected) => {
    const result = gemini.parseResponse({ candidates: [{ content: { parts: [{ text: "x" }], role: "model" }, finishReason: reason, index: 0 }] });
    expect(result.ok && result.value.choices[0].finishReason).toBe(expected);
  });

  test("n as candidateCount: every candidate is a choice, in index order (Gemini takes n itself, no fan-out)", () => {
    const candidate = (index: number, text: string, finishReason: string) => ({ content: { parts: [{ text }], role: "model" }, finishReason, index });
    const result = gemini.parseResponse({ candidates: [candidate(1, "b", "MAX_TOKENS"), candidate(0, "a", "STOP")], usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 8 } });
    expect(result).toEqual({
      ok: true,
      value: {
        choices: [
          { index: 0, text: "a", finishReason: "stop" },
          { index: 1, text: "b", finishReason: "length" },
        ],
        usage: { inputTokens: 5, outputTokens: 8 },
      },
    });
  });

  test.each([[null], ["text"], [{ candidates: "nope" }], [{}]])("malformed body %j → 502", (body) => {
    expect(gemini.parseResponse(body)).toEqual({ ok: false, error: { kind: "upstream", provider: "gemini", status: 502, message: "malformed response" } });
  });
});

describe("gemini: parseStream", () => {
  test("text stream ends with finish and the last chunk's usage", async () => {
    expect(await streamOf("gemini-text")).toEqual([
      { type: "text-delta", text: "Hello" },
      { type: "text-delta", text: " from" },
      { type: "text-delta", text: " Gemini." },
      { type: "finish", finishReasons: ["stop"], usage: { inputTokens: 12, outputTokens: 5 } },
    ]);
  });

  test("thoughts → reasoning-delta; cached and thinking tokens in usage", async () => {
    expect(await streamOf("gemini-thinking-cached")).toEqual([
      { type: "reasoning-delta", text: "**Weighing the options**\n\nThe user wants a one-word answer." },
      { type: "text-delta", text: "Paris" },
      { type: "text-delta", text: "." },
      { type: "finish", finishReasons: ["stop"], usage: { inputTokens: 2100, cachedInputTokens: 2048, outputTokens: 122, reasoningTokens: 120 } },
    ]);
  });

  test("parallel tool calls get indices, ids and names; arguments reassemble", async () => {
    const events = await streamOf("gemini-tool-call");
    expect(events[0]).toEqual({ type: "text-delta", text: "Let me check both cities." });
    const calls = events.filter((event) => event.type === "tool-call-delta");
    expect(calls).toMatchObject([
      { toolIndex: 0, name: "get_weather", argumentsDelta: '{"city":"Paris","unit":"celsius"}' },
      { toolIndex: 1, name: "get_weather", argumentsDelta: '{"city":"London","unit":"celsius"}' },
    ]);
    const ids = calls.map((call) => (call.type === "tool-call-delta" ? call.id : ""));
    expect(ids[0]).toMatch(/^call_0_/);
    expect(ids[1]).toMatch(/^call_1_/);
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["tool_calls"], usage: { inputTokens: 58, outputTokens: 36 } });
  });

  test("a stream cut mid-way ends with stream_cut and no finish", async () => {
    const length = new TextEncoder().encode(readFixture("gemini-text.sse")).length;
    const events = await streamOf("gemini-text", { cutAfterBytes: length - 40 });
    expect(events.at(-1)).toEqual({ type: "error", error: { kind: "stream_cut", provider: "gemini" } });
    expect(events.filter((event) => event.type === "finish")).toEqual([]);
    expect(events.filter((event) => event.type === "text-delta")).toHaveLength(2);
  });

  test("an in-stream error chunk → upstream error, no finish", async () => {
    expect(await streamOf("gemini-error-in-stream")).toEqual([
      { type: "text-delta", text: "Once upon" },
      { type: "error", error: { kind: "upstream", provider: "gemini", status: 503, message: "The model is overloaded. Please try again later.", type: "UNAVAILABLE" } },
    ]);
  });

  test("a blocked prompt ends the stream with content_filter", async () => {
    expect(await streamOf("gemini-blocked")).toEqual([{ type: "finish", finishReasons: ["content_filter"], usage: { inputTokens: 9, outputTokens: 0 } }]);
  });

  test("two candidates finish separately", async () => {
    const chunk = (index: number, text: string, finishReason?: string) => JSON.stringify({ candidates: [{ content: { parts: [{ text }], role: "model" }, index, finishReason }] });
    expect(await eventsOf([chunk(0, "a"), chunk(1, "b"), chunk(0, "c", "STOP"), chunk(1, "d", "MAX_TOKENS")])).toEqual([
      { type: "text-delta", text: "a" },
      { type: "text-delta", choice: 1, text: "b" },
      { type: "text-delta", text: "c" },
      { type: "text-delta", choice: 1, text: "d" },
      { type: "finish", finishReasons: ["stop", "length"] },
    ]);
  });

  test("a malformed chunk becomes an error event, not a throw", async () => {
    expect(await eventsOf(['{"candidates": [', "{}"])).toEqual([
      { type: "error", error: { kind: "upstream", provider: "gemini", status: 502, message: "malformed stream chunk" } },
    ]);
  });

  test("unknown event types are ignored", async () => {
    const events = await collect(
      new ReadableStream({
        start(controller) {
          controller.enqueue({ event: "ping", data: "{}" });
          controller.enqueue({ data: JSON.stringify({ candidates: [{ content: { parts: [{ text: "ok" }] }, finishReason: "STOP" }] }) });
          controller.close();
        },
      }).pipeThrough(gemini.parseStream()),
    );
    expect(events).toEqual([{ type: "text-delta", text: "ok" }, { type: "finish", finishReasons: ["stop"] }]);
  });
});

describe("gemini: parseError", () => {
  const upstream = { kind: "upstream", provider: "gemini" } as const;
  test.each([
    ["gemini-error-400.json", 400, {}, { status: 400, type: "INVALID_ARGUMENT", message: 'Invalid JSON payload received. Unknown name "max_tokens": Cannot find field.' }],
    ["gemini-error-400-api-key.json", 400, {}, { status: 401, type: "INVALID_ARGUMENT", code: "API_KEY_INVALID", message: "API key not valid. Please pass a valid API key." }],
    [
      "gemini-error-401.json",
      401,
      {},
      { status: 401, type: "UNAUTHENTICATED", message: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See [url]" },
    ],
    [
      "gemini-error-403.json",
      403,
      {},
      { status: 403, type: "PERMISSION_DENIED", message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API." },
    ],
    [
      "gemini-error-404.json",
      404,
      {},
      { status: 404, type: "NOT_FOUND", message: "models/gemini-0.9-ultra is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods." },
    ],
    [
      "gemini-error-429.json",
      429,
      { "retry-after": "30" },
      { status: 429, type: "RESOURCE_EXHAUSTED", retryAfterMs: 30_000, message: "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: [url]" },
    ],
    [
      "gemini-error-429.json",
      429,
      {},
      { status: 429, type: "RESOURCE_EXHAUSTED", retryAfterMs: 26_000, message: "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: [url]" },
    ],
    ["gemini-error-500.json", 500, {}, { status: 500, type: "INTERNAL", message: "An internal error has occurred. Please retry or report in [url]" }],
    ["gemini-error-503.json", 503, {}, { status: 503, type: "UNAVAILABLE", message: "The model is overloaded. Please try again later." }],
    ["gemini-error-504.json", 504, {}, { status: 504, type: "DEADLINE_EXCEEDED", message: "Deadline expired before operation could complete." }],
  ])("%s (HTTP %i, headers %j)", (file, status, headers, expected) => {
    expect(gemini.parseError(status, readFixture(file), new Headers(headers))).toEqual({ ...upstream, ...expected });
  });

  test.each([
    ["<!DOCTYPE html><html><body>Error 404 (Not Found)!! https://www.google.com/</body></html>", 404, "Gemini answered HTTP 404 with a non-JSON body."],
    ["", 502, "Gemini answered HTTP 502 with a non-JSON body."],
    ["upstream connect error, see https://example.com", 503, "upstream connect error, see [url]"],
    ['{"unexpected": true}', 500, "Gemini answered HTTP 500"],
  ])("non-Google body %j (HTTP %i) → a sane message", (body, status, message) => {
    expect(gemini.parseError(status, body, new Headers())).toEqual({ ...upstream, status, message });
  });
});
