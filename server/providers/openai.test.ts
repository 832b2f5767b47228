import { describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { ChatRequest, StreamEvent, Target } from "@/server/gateway/types";
import { openai, openAICompatible } from "./openai";
import { knownRequestFields } from "./openai/request";
import { collect, fixtureSse, readFixture } from "./test-utils";

const target: Target = {
  provider: "openai",
  connectionId: "conn_1",
  baseUrl: "https://api.openai.com/v1",
  apiKey: "sk-test-key",
  upstreamModel: "gpt-4o-mini-2024-07-18",
  modelName: "fast",
};

function chatRequest(fields: Record<string, unknown> = {}): ChatRequest {
  return chatRequestSchema.parse({ model: "fast", messages: [{ role: "user", content: "Hi" }], ...fields });
}

function build(fields: Record<string, unknown> = {}, overrides: Partial<Target> = {}) {
  const upstream = openai.buildRequest(chatRequest(fields), { ...target, ...overrides });
  return { ...upstream, json: JSON.parse(upstream.body) as Record<string, unknown> };
}

async function streamOf(name: string, options: { cutAfterBytes?: number } = {}): Promise<StreamEvent[]> {
  return collect(fixtureSse(name, options).pipeThrough(openai.parseStream()));
}

function textOf(events: StreamEvent[]): string {
  return events.map((event) => (event.type === "text-delta" ? event.text : "")).join("");
}

describe("openai: buildRequest", () => {
  test("url, headers and model", () => {
    const upstream = build();
    expect(upstream.url).toBe("https://api.openai.com/v1/chat/completions");
    expect(upstream.headers).toEqual({ "content-type": "application/json", authorization: "Bearer sk-test-key" });
    expect(upstream.json).toEqual({ model: "gpt-4o-mini-2024-07-18", messages: [{ role: "user", content: "Hi" }] });
    expect(upstream.warnings).toEqual([]);
  });

  test("no auth header for a keyless server", () => {
    expect(build({}, { apiKey: "" }).headers).toEqual({ "content-type": "application/json" });
  });

  test("the adapter knows every field of the request schema", () => {
    expect([...knownRequestFields()].sort()).toEqual(Object.keys(chatRequestSchema.shape).sort());
  });

  test("system, developer and multi-turn history with tool calls and results", () => {
    const messages = [
      { role: "system", content: "Be brief.", name: "policy" },
      { role: "developer", content: [{ type: "text", text: "Use metric units." }] },
      { role: "user", content: "Weather in Paris?" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: '{"celsius":21}' },
      { role: "assistant", content: "21 °C." },
      { role: "user", content: "Thanks" },
    ];
    expect(build({ messages }).json.messages).toEqual(messages);
  });

  test("sampling and misc parameters pass through unchanged", () => {
    const fields = {
      temperature: 0.2, top_p: 0.9, n: 2, seed: 7, presence_penalty: 0.5, frequency_penalty: -0.5,
      logprobs: true, top_logprobs: 3, logit_bias: { "50256": -100 }, user: "u_1", metadata: { team: "a" },
      stop: ["\n\n", "END"], reasoning_effort: "low", parallel_tool_calls: false,
    };
    const upstream = build(fields);
    expect(upstream.json).toMatchObject(fields);
    expect(upstream.warnings).toEqual([]);
    expect(build({ stop: "END" }).json.stop).toBe("END");
  });

  test("null parameters are not sent", () => {
    expect(build({ temperature: null, stop: null, tools: null }).json).toEqual({ model: target.upstreamModel, messages: [{ role: "user", content: "Hi" }] });
  });

  test.each([
    { name: "max_tokens only", fields: { max_tokens: 100 }, expected: { max_tokens: 100 }, absent: "max_completion_tokens", warnings: [] },
    { name: "max_completion_tokens only", fields: { max_completion_tokens: 200 }, expected: { max_completion_tokens: 200 }, absent: "max_tokens", warnings: [] },
    { name: "both: max_completion_tokens wins", fields: { max_tokens: 100, max_completion_tokens: 200 }, expected: { max_completion_tokens: 200 }, absent: "max_tokens", warnings: [{ code: "other", param: "max_tokens" }] },
  ])("max tokens: $name", ({ fields, expected, absent, warnings }) => {
    const upstream = build(fields);
    expect(upstream.json).toMatchObject(expected);
    expect(upstream.json).not.toHaveProperty(absent);
    expect(upstream.warnings.map(({ code, param }) => ({ code, param }))).toEqual(warnings);
  });

  test("max tokens above the model limit are clamped with a warning", () => {
    const upstream = build({ max_completion_tokens: 50_000 }, { maxOutputTokens: 16_384 });
    expect(upstream.json.max_completion_tokens).toBe(16_384);
    expect(upstream.warnings).toEqual([{ code: "clamped_parameter", param: "max_completion_tokens", message: "max_completion_tokens 50000 was clamped to the model's limit 16384." }]);
  });

  test("streaming always asks for usage", () => {
    expect(build({ stream: true }).json).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(build({ stream: true, stream_options: { include_usage: false } }).json.stream_options).toEqual({ include_usage: true });
  });

  test("stream_options without stream is omitted with a warning", () => {
    const upstream = build({ stream_options: { include_usage: true } });
    expect(upstream.json).not.toHaveProperty("stream_options");
    expect(upstream.warnings.map((warning) => warning.param)).toEqual(["stream_options"]);
  });

  test("tools and each tool_choice form", () => {
    const tools = [
      { type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: true } },
      { type: "function", function: { name: "get_time" } },
    ];
    for (const toolChoice of ["auto", "none", "required", { type: "function", function: { name: "get_time" } }]) {
      const upstream = build({ tools, tool_choice: toolChoice, parallel_tool_calls: true });
      expect(upstream.json).toMatchObject({ tools, tool_choice: toolChoice, parallel_tool_calls: true });
    }
  });

  test("images: data: and https URLs both pass in OpenAI's image_url form; audio and files pass", () => {
    const content = [
      { type: "text", text: "Compare" },
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
      { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
      { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
      { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
    ];
    const upstream = build({ messages: [{ role: "user", content }] });
    expect(upstream.json.messages).toEqual([{ role: "user", content }]);
    expect(upstream.warnings).toEqual([]);
  });

  test.each([
    { type: "json_object", expected: { type: "json_object" } },
    {
      type: "json_schema",
      format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" }, strict: true } },
      expected: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" }, strict: true } },
    },
  ])("response_format $type is native", ({ type, format, expected }) => {
    expect(build({ response_format: format ?? { type } }).json.response_format).toEqual(expected);
  });

  test("unknown extra fields are kept for OpenAI", () => {
    const upstream = build({ service_tier: "flex", prompt_cache_key: "k1", verbosity: "low" });
    expect(upstream.json).toMatchObject({ service_tier: "flex", prompt_cache_key: "k1", verbosity: "low" });
    expect(upstream.warnings).toEqual([]);
  });

  test("reasoning_content of earlier turns is omitted with a warning", () => {
    const upstream = build({ messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello", reasoning_content: "greet" }, { role: "user", content: "Again" }] });
    expect((upstream.json.messages as object[])[1]).toEqual({ role: "assistant", content: "Hello" });
    expect(upstream.warnings.map(({ code, param }) => ({ code, param }))).toEqual([{ code: "unsupported_parameter", param: "reasoning_content" }]);
  });
});

describe("openai-compatible: quirks table", () => {
  const compatible = openAICompatible({
    id: "openai",
    quirks: {
      path: "/v1/chat/completions",
      unsupported: ["logit_bias", "reasoning_effort"],
      renamed: { max_completion_tokens: "max_tokens" },
      clamp: { temperature: { max: 1 } },
      keepUnknownFields: false,
      developerRole: "system",
      imageUrls: "data-only",
      unsupportedContentParts: ["input_audio"],
      streamUsage: false,
      reasoningHistory: true,
    },
  });

  test("drops, renames and clamps with exact warnings", () => {
    const request = chatRequest({
      messages: [
        { role: "developer", content: "Rules" },
        { role: "user", content: [{ type: "text", text: "Look" }, { type: "image_url", image_url: { url: "https://example.com/a.png" } }, { type: "input_audio", input_audio: { data: "x", format: "wav" } }] },
        { role: "assistant", content: "ok", reasoning_content: "thought" },
      ],
      logit_bias: { "1": 1 }, reasoning_effort: "high", max_completion_tokens: 10, temperature: 1.5, stream: true, service_tier: "flex",
    });
    const upstream = compatible.buildRequest(request, { ...target, baseUrl: "https://api.example.com" });
    const json = JSON.parse(upstream.body);
    expect(upstream.url).toBe("https://api.example.com/v1/chat/completions");
    expect(json).toEqual({
      model: target.upstreamModel,
      messages: [
        { role: "system", content: "Rules" },
        { role: "user", content: [{ type: "text", text: "Look" }] },
        { role: "assistant", content: "ok", reasoning_content: "thought" },
      ],
      max_tokens: 10,
      temperature: 1,
      stream: true,
    });
    expect(upstream.warnings.map(({ code, param }) => ({ code, param }))).toEqual([
      { code: "unsupported_parameter", param: "image_url" },
      { code: "unsupported_parameter", param: "input_audio" },
      { code: "unsupported_parameter", param: "service_tier" },
      { code: "unsupported_parameter", param: "logit_bias" },
      { code: "unsupported_parameter", param: "reasoning_effort" },
      { code: "renamed_parameter", param: "max_completion_tokens" },
      { code: "clamped_parameter", param: "temperature" },
    ]);
  });
});

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
      expect(events.at(-1)).toEqual({ type: "error", error: { kind: "stream_cut", provider: "openai" } });
      expect(events.some((event) => event.type === "finish")).toBe(false);
    }
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
