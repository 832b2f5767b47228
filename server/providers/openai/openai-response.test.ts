import { describe, expect, test } from "vitest";
import type { StreamEvent } from "@/server/gateway/types";
import { openai } from "./index";
import { collect, fixtureSse, readFixture } from "../test-utils";

async function streamOf(name: string, options: { cutAfterBytes?: number } = {}): Promise<StreamEvent[]> {
  return collect(fixtureSse(name, options).pipeThrough(openai.parseStream()));
}

function textOf(events: StreamEvent[]): string {
  return events.map((event) => (event.type === "text-delta" ? event.text : "")).join("");
}

describe("openai: parseResponse", () => {
  test("plain text with cached usage", () => {
    expect(openai.parseResponse(JSON.parse(readFixture("openai-text.json")))).toEqual({
      ok: true,
      value: {
        choices: [{ index: 0, text: "Hello! How can I help you today?", finishReason: "stop" }],
        usage: { inputTokens: 1843, outputTokens: 9, cachedInputTokens: 1792, reasoningTokens: 0 },
        upstreamId: "chatcmpl-BZw9xY8wV7uT6sR5qP4oN3mL2kJ",
      },
    });
  });

  test("tool call with reasoning tokens", () => {
    expect(openai.parseResponse(JSON.parse(readFixture("openai-tool-call.json")))).toEqual({
      ok: true,
      value: {
        choices: [{ index: 0, text: null, finishReason: "tool_calls", toolCalls: [{ id: "call_Qm1pXk7sTz9bWc3dEf5gHj2L", name: "get_weather", arguments: '{"location": "Paris"}' }] }],
        usage: { inputTokens: 82, outputTokens: 211, cachedInputTokens: 0, reasoningTokens: 192 },
        upstreamId: "chatcmpl-BZwAbC9dE8fG7hI6jK5lM4nO3pQ",
      },
    });
  });

  test.each([
    { finish: "length", expected: "length" },
    { finish: "content_filter", expected: "content_filter" },
    { finish: "function_call", expected: "tool_calls" },
    { finish: null, expected: "stop" },
  ])("finish_reason $finish → $expected", ({ finish, expected }) => {
    const result = openai.parseResponse({ choices: [{ index: 0, message: { content: "x" }, finish_reason: finish }] });
    expect(result.ok && result.value.choices[0].finishReason).toBe(expected);
  });

  test("refusal and reasoning_content", () => {
    const result = openai.parseResponse({ choices: [{ index: 0, message: { content: null, refusal: "I can't help with that.", reasoning_content: "policy" }, finish_reason: "stop" }] });
    expect(result).toEqual({ ok: true, value: { choices: [{ index: 0, text: "I can't help with that.", reasoning: "policy", finishReason: "stop" }] } });
  });

  test.each([null, "oops", {}, { choices: [] }, { choices: [{ message: { content: 3 } }] }, { choices: [{ message: {} }], usage: { prompt_tokens: "x" } }])(
    "malformed body %j → upstream 502",
    (body) => {
      expect(openai.parseResponse(body)).toEqual({ ok: false, error: { kind: "upstream", provider: "openai", status: 502, message: "malformed response" } });
    },
  );
});

describe("openai: parseStream", () => {
  test("text stream with usage in the last chunk", async () => {
    const events = await streamOf("openai-text");
    expect(events.filter((event) => event.type === "text-delta")).toEqual([
      { type: "text-delta", text: "Hello" },
      { type: "text-delta", text: "!" },
      { type: "text-delta", text: " How can I help" },
      { type: "text-delta", text: " you today?" },
    ]);
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["stop"], usage: { inputTokens: 1843, outputTokens: 9, cachedInputTokens: 1792, reasoningTokens: 0 } });
    expect(events.filter((event) => event.type === "finish")).toHaveLength(1);
  });

  test("parallel tool calls: indices, ids and names once, arguments reassembled", async () => {
    const events = await streamOf("openai-tool-call");
    const deltas = events.filter((event) => event.type === "tool-call-delta");
    expect(deltas[0]).toEqual({ type: "tool-call-delta", toolIndex: 0, id: "call_Qm1pXk7sTz9bWc3dEf5gHj2L", name: "get_weather", argumentsDelta: "" });
    expect(deltas[4]).toEqual({ type: "tool-call-delta", toolIndex: 1, id: "call_Vn8rYb2kLs4tPq6wXz1cMd9F", name: "get_time", argumentsDelta: "" });
    expect(deltas.filter((delta) => delta.id !== undefined)).toHaveLength(2);
    const argumentsOf = (toolIndex: number) => deltas.filter((delta) => delta.toolIndex === toolIndex).map((delta) => delta.argumentsDelta).join("");
    expect(JSON.parse(argumentsOf(0))).toEqual({ location: "Paris" });
    expect(JSON.parse(argumentsOf(1))).toEqual({ timezone: "Europe/Paris" });
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["tool_calls"], usage: { inputTokens: 82, outputTokens: 47, cachedInputTokens: 0, reasoningTokens: 0 } });
  });

  test("reasoning_content deltas (OpenAI-compatible servers)", async () => {
    const events = await streamOf("openai-reasoning-content");
    expect(events).toEqual([
      { type: "reasoning-delta", text: "The user greets me." },
      { type: "text-delta", text: "Hi!" },
      { type: "finish", finishReasons: ["stop"], usage: { inputTokens: 13, outputTokens: 12, cachedInputTokens: 0, reasoningTokens: 9 } },
    ]);
  });

  test("a stream cut mid-way ends with stream_cut and no finish", async () => {
    const full = readFixture("openai-text.sse");
    const events = await streamOf("openai-text", { cutAfterBytes: full.indexOf("\n\n", full.indexOf('" How can I help"')) + 2 });
    expect(textOf(events)).toBe("Hello! How can I help");
    expect(events.at(-1)).toEqual({ type: "error", error: { kind: "stream_cut", provider: "openai" } });
    expect(events.some((event) => event.type === "finish")).toBe(false);
  });

  test("a stream cut inside a chunk and before [DONE] is a cut too", async () => {
    const full = readFixture("openai-text.sse");
    for (const cutAfterBytes of [120, full.indexOf("data: [DONE]")]) {
      const events = await streamOf("openai-text", { cutAfterBytes });
      expect(events.at(-1)).toMatchObject({ type: "error", error: { kind: "stream_cut", provider: "openai" } });
      expect(events.some((event) => event.type === "finish")).toBe(false);
    }
    // Cut after the usage chunk: the cut carries the usage the provider reported (what it billed), not before it.
    expect((await streamOf("openai-text", { cutAfterBytes: 120 })).at(-1)).toEqual({ type: "error", error: { kind: "stream_cut", provider: "openai" } });
    const late = (await streamOf("openai-text", { cutAfterBytes: full.indexOf("data: [DONE]") })).at(-1);
    expect(late).toMatchObject({ type: "error", usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) } });
  });

  test("an in-stream error event becomes an upstream error, last, with no finish", async () => {
    const events = await streamOf("openai-stream-error");
    expect(events).toEqual([
      { type: "text-delta", text: "Once upon" },
      { type: "error", error: { kind: "upstream", provider: "openai", status: 500, message: "The server had an error while processing your request. Sorry about that!", type: "server_error" } },
    ]);
  });

  async function parse(events: { event?: string; data: string }[]): Promise<StreamEvent[]> {
    const source = new ReadableStream({ start: (controller) => { events.forEach((event) => controller.enqueue(event)); controller.close(); } });
    return collect(source.pipeThrough(openai.parseStream()));
  }

  test.each([
    { name: "rate limit", error: { message: "Rate limit reached", type: "tokens", code: "rate_limit_exceeded" }, status: 429 },
    { name: "overloaded", error: { message: "That model is currently overloaded with other requests.", type: "server_error", code: null }, status: 503 },
    { name: "numeric code", error: { message: "Bad gateway", code: 502 }, status: 502 },
    { name: "invalid request", error: { message: "Context too long", type: "invalid_request_error", code: "context_length_exceeded" }, status: 400 },
  ])("in-stream error status: $name → $status", async ({ error, status }) => {
    const events = await parse([{ data: JSON.stringify({ error }) }]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "error", error: { kind: "upstream", provider: "openai", status } });
  });

  test("unknown named events and empty data are ignored", async () => {
    const events = await parse([{ event: "ping", data: "{}" }, { data: "" }, { data: '{"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]}' }, { data: "[DONE]" }]);
    expect(events).toEqual([{ type: "text-delta", text: "a" }, { type: "finish", finishReasons: ["stop"] }]);
  });

  test.each(["not json", '{"choices":"nope"}'])("a malformed chunk %j becomes an error event, not a throw", async (data) => {
    const events = await parse([{ data: '{"choices":[{"index":0,"delta":{"content":"a"}}]}' }, { data }, { data: "[DONE]" }]);
    expect(events).toEqual([
      { type: "text-delta", text: "a" },
      { type: "error", error: { kind: "upstream", provider: "openai", status: 502, message: "malformed stream chunk" } },
    ]);
  });

  test("n > 1: choice indices and one finish reason per choice", async () => {
    const events = await parse([
      { data: '{"choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]}' },
      { data: '{"choices":[{"index":1,"delta":{},"finish_reason":"length"},{"index":0,"delta":{},"finish_reason":"stop"}]}' },
      { data: "[DONE]" },
    ]);
    expect(events).toEqual([{ type: "text-delta", text: "a" }, { type: "text-delta", choice: 1, text: "b" }, { type: "finish", finishReasons: ["stop", "length"] }]);
  });

  test("tool calls without index are numbered by id", async () => {
    const events = await parse([
      { data: '{"choices":[{"index":0,"delta":{"tool_calls":[{"id":"a","function":{"name":"f","arguments":"{}"}},{"id":"b","function":{"name":"g","arguments":"{}"}}]}}]}' },
      { data: "[DONE]" },
    ]);
    expect(events.filter((event) => event.type === "tool-call-delta").map((event) => event.toolIndex)).toEqual([0, 1]);
  });
});

describe("openai: parseError", () => {
  const headers = (entries: Record<string, string> = {}) => new Headers(entries);

  test.each([
    {
      fixture: "openai-error-400", status: 400, headers: {},
      expected: { kind: "upstream", provider: "openai", status: 400, message: "Invalid type for 'temperature': expected a decimal, but got a string instead.", type: "invalid_request_error", code: "invalid_type", param: "temperature" },
    },
    {
      fixture: "openai-error-401", status: 401, headers: {},
      expected: { kind: "upstream", provider: "openai", status: 401, message: "Incorrect API key provided: sk-proj-********************************************wxyz. You can find your API key at [url]", type: "invalid_request_error", code: "invalid_api_key" },
    },
    {
      fixture: "openai-error-403", status: 403, headers: {},
      expected: { kind: "upstream", provider: "openai", status: 403, message: "Country, region, or territory not supported", type: "request_forbidden", code: "unsupported_country_region_territory" },
    },
    {
      fixture: "openai-error-404", status: 404, headers: {},
      expected: { kind: "upstream", provider: "openai", status: 404, message: "The model `gpt-9-turbo` does not exist or you do not have access to it.", type: "invalid_request_error", code: "model_not_found" },
    },
    {
      fixture: "openai-error-429", status: 429, headers: { "retry-after": "2" },
      expected: { kind: "upstream", provider: "openai", status: 429, message: "Rate limit reached for gpt-4o-mini in organization org-AbCdEfGhIjKlMnOp on tokens per min (TPM): Limit 200000, Used 199412, Requested 1843. Please try again in 376ms. Visit [url] to learn more.", type: "tokens", code: "rate_limit_exceeded", retryAfterMs: 2000 },
    },
    {
      fixture: "openai-error-429-quota", status: 429, headers: {},
      expected: { kind: "upstream", provider: "openai", status: 429, message: "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: [url]", type: "insufficient_quota", code: "insufficient_quota" },
    },
    {
      fixture: "openai-error-500", status: 500, headers: {},
      expected: { kind: "upstream", provider: "openai", status: 500, message: "The server had an error while processing your request. Sorry about that!", type: "server_error" },
    },
    {
      fixture: "openai-error-503", status: 503, headers: { "retry-after-ms": "1500" },
      expected: { kind: "upstream", provider: "openai", status: 503, message: "That model is currently overloaded with other requests. You can retry your request, or contact us through our help center at help.openai.com if the error persists.", type: "server_error", retryAfterMs: 1500 },
    },
  ])("$fixture", ({ fixture, status, headers: entries, expected }) => {
    expect(openai.parseError(status, readFixture(`${fixture}.json`), headers(entries as Record<string, string>))).toEqual(expected);
  });

  test.each([
    { name: "HTML page", status: 502, body: "<html><body><h1>502 Bad Gateway</h1><p>https://internal.example/x</p></body></html>", message: "HTTP 502 Bad Gateway" },
    { name: "empty body", status: 503, body: "", message: "HTTP 503 Service Unavailable" },
    { name: "short plain text with a URL", status: 500, body: "upstream connect error, see https://internal.example/status", message: "upstream connect error, see [url]" },
    { name: "JSON without an error object", status: 500, body: '{"foo":1}', message: "HTTP 500 Internal Server Error" },
    { name: "string error", status: 400, body: '{"error":"model is required"}', message: "model is required" },
    { name: "detail", status: 422, body: '{"detail":"Field required"}', message: "Field required" },
    { name: "unknown status", status: 520, body: "", message: "HTTP 520" },
  ])("non-OpenAI body: $name", ({ status, body, message }) => {
    expect(openai.parseError(status, body, headers())).toEqual({ kind: "upstream", provider: "openai", status, message });
  });
});
