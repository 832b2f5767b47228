import { describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { ChatRequest, StreamEvent, Target } from "@/server/gateway/types";
import { collect, fixtureSse, readFixture } from "../test-utils";
import { gemini } from "./index";
import { REPLAYED_THOUGHT_SIGNATURE } from "./messages";
import { handledRequestFields } from "./request";

const target: Target = {
  provider: "gemini",
  connectionId: "conn_1",
  baseUrl: "https://generativelanguage.googleapis.com/v1beta",
  apiKey: "test-gemini-key",
  upstreamModel: "gemini-2.5-flash",
  modelName: "flash",
};

function chatRequest(fields: Record<string, unknown> = {}): ChatRequest {
  return chatRequestSchema.parse({ model: "flash", messages: [{ role: "user", content: "Hi" }], ...fields });
}

function build(fields: Record<string, unknown> = {}, overrides: Partial<Target> = {}) {
  const upstream = gemini.buildRequest(chatRequest(fields), { ...target, ...overrides });
  return { ...upstream, json: JSON.parse(upstream.body) as Record<string, unknown> };
}

const streamOf = (name: string, options: { cutAfterBytes?: number } = {}): Promise<StreamEvent[]> =>
  collect(fixtureSse(name, options).pipeThrough(gemini.parseStream()));

const eventsOf = (data: string[]): Promise<StreamEvent[]> =>
  collect(new ReadableStream({ start: (controller) => (data.forEach((item) => controller.enqueue({ data: item })), controller.close()) }).pipeThrough(gemini.parseStream()));

const weatherTool = { type: "function", function: { name: "get_weather", description: "Current weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };

describe("gemini: buildRequest", () => {
  test("url, auth header and a minimal body", () => {
    const upstream = build();
    expect(upstream.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent");
    expect(upstream.headers).toEqual({ "content-type": "application/json", "x-goog-api-key": "test-gemini-key" });
    expect(upstream.json).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] });
    expect(upstream.warnings).toEqual([]);
  });

  test("stream uses streamGenerateContent?alt=sse; usage is always in the stream", () => {
    const upstream = build({ stream: true, stream_options: { include_usage: true } });
    expect(upstream.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    expect(upstream.url).not.toContain("key=");
    expect(upstream.warnings).toEqual([]);
  });

  test("no auth header for a keyless server", () => {
    expect(build({}, { apiKey: "" }).headers).toEqual({ "content-type": "application/json" });
  });

  test("the adapter handles every field of the request schema", () => {
    expect([...handledRequestFields].sort()).toEqual(Object.keys(chatRequestSchema.shape).sort());
  });

  test("system and developer → systemInstruction; assistant → model; turns alternate", () => {
    const { json, warnings } = build({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Use metric units." }] },
        { role: "user", content: "Hello" },
        { role: "assistant", content: "Hi there." },
        { role: "user", content: [{ type: "text", text: "Weather?" }] },
      ],
    });
    expect(json.systemInstruction).toEqual({ parts: [{ text: "Be brief." }, { text: "Use metric units." }] });
    expect(json.contents).toEqual([
      { role: "user", parts: [{ text: "Hello" }] },
      { role: "model", parts: [{ text: "Hi there." }] },
      { role: "user", parts: [{ text: "Weather?" }] },
    ]);
    expect(warnings).toEqual([]);
  });

  test("generation parameters → generationConfig (max_completion_tokens wins)", () => {
    const { json, warnings } = build({
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 100,
      max_completion_tokens: 200,
      stop: ["END", "STOP"],
      n: 2,
      seed: 42,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      logprobs: true,
      top_logprobs: 3,
    });
    expect(json.generationConfig).toEqual({
      temperature: 0.3,
      topP: 0.9,
      maxOutputTokens: 200,
      stopSequences: ["END", "STOP"],
      candidateCount: 2,
      seed: 42,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      responseLogprobs: true,
      logprobs: 3,
    });
    expect(warnings).toEqual([]);
  });

  test("a single stop string becomes a one-element stopSequences", () => {
    expect(build({ stop: "END" }).json.generationConfig).toEqual({ stopSequences: ["END"] });
  });

  test("max tokens above the model limit are clamped with a warning", () => {
    const { json, warnings } = build({ max_tokens: 100_000 }, { maxOutputTokens: 65_536 });
    expect(json.generationConfig).toEqual({ maxOutputTokens: 65_536 });
    expect(warnings).toEqual([{ code: "clamped_parameter", param: "max_tokens", message: "max_tokens 100000 is above the model's limit; clamped to 65536." }]);
  });

  test.each([
    ["auto", { mode: "AUTO" }],
    ["none", { mode: "NONE" }],
    ["required", { mode: "ANY" }],
    [{ type: "function", function: { name: "get_weather" } }, { mode: "ANY", allowedFunctionNames: ["get_weather"] }],
  ])("tool_choice %j → functionCallingConfig %j", (choice, config) => {
    const { json, warnings } = build({ tools: [weatherTool], tool_choice: choice, parallel_tool_calls: true });
    expect(json.tools).toEqual([
      { functionDeclarations: [{ name: "get_weather", description: "Current weather", parametersJsonSchema: weatherTool.function.parameters }] },
    ]);
    expect(json.toolConfig).toEqual({ functionCallingConfig: config });
    expect(warnings).toEqual([]);
  });

  test("unsupported JSON Schema keywords are dropped with a warning", () => {
    const parameters = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: { city: { type: "string", pattern: "^[A-Z]", minLength: 2 }, days: { type: ["integer", "null"], minimum: 1, default: 1 } },
      required: ["city"],
      additionalProperties: false,
    };
    const { json, warnings } = build({ tools: [{ type: "function", function: { name: "forecast", parameters, strict: true } }] });
    expect(json.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: "forecast",
            parametersJsonSchema: { type: "object", properties: { city: { type: "string" }, days: { type: ["integer", "null"], minimum: 1 } }, required: ["city"], additionalProperties: false },
          },
        ],
      },
    ]);
    expect(warnings).toEqual([
      { code: "unsupported_parameter", param: "tools.function.strict", message: "Gemini does not guarantee strict schema adherence for function calls." },
      { code: "unsupported_parameter", param: "tools.function.parameters", message: "Tool forecast: Gemini does not support these JSON Schema keywords, dropped: $schema, default, minLength, pattern." },
    ]);
  });

  test("assistant tool calls and tool results → functionCall / functionResponse", () => {
    const { json, warnings } = build({
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Paris and London?" },
        {
          role: "assistant",
          content: "Checking.",
          tool_calls: [
            { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_b", type: "function", function: { name: "get_time", arguments: '{"city":"London"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_a", content: '{"celsius":21}' },
        { role: "tool", tool_call_id: "call_b", content: "14:05" },
        { role: "user", content: "Thanks" },
      ],
    });
    expect(json.contents).toEqual([
      { role: "user", parts: [{ text: "Weather in Paris and London?" }] },
      {
        role: "model",
        parts: [
          { text: "Checking." },
          { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: REPLAYED_THOUGHT_SIGNATURE },
          { functionCall: { name: "get_time", args: { city: "London" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { celsius: 21 } } },
          { functionResponse: { name: "get_time", response: { output: "14:05" } } },
          { text: "Thanks" },
        ],
      },
    ]);
    expect(warnings).toEqual([]);
  });

  test("images: data URL → inlineData, https URL → fileData, audio and files inline", () => {
    const { json, warnings } = build({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.webp", detail: "high" } },
            { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
            { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
            { type: "file", file: { file_id: "file-abc" } },
          ],
        },
      ],
    });
    expect(json.contents).toEqual([
      {
        role: "user",
        parts: [
          { text: "Compare" },
          { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
          { fileData: { mimeType: "image/webp", fileUri: "https://example.com/cat.webp" } },
          { inlineData: { mimeType: "audio/wav", data: "UklGRg==" } },
          { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
        ],
      },
    ]);
    expect(warnings.map((warning) => [warning.code, warning.param])).toEqual([
      ["unsupported_parameter", "messages.content.image_url.detail"],
      ["unsupported_parameter", "messages.content.file.file_id"],
    ]);
  });

  test.each([
    [{ type: "text" }, undefined],
    [{ type: "json_object" }, { responseMimeType: "application/json" }],
    [
      { type: "json_schema", json_schema: { name: "city", strict: true, schema: { type: "object", properties: { name: { type: "string" } }, required: ["name"], additionalProperties: false } } },
      { responseMimeType: "application/json", responseJsonSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"], additionalProperties: false } },
    ],
  ])("response_format %j → %j", (format, config) => {
    const { json, warnings } = build({ response_format: format });
    expect(json.generationConfig).toEqual(config);
    expect(warnings).toEqual([]);
  });

  test("json_schema description moves into the schema; unsupported keywords are dropped with a warning", () => {
    const { json, warnings } = build({ response_format: { type: "json_schema", json_schema: { name: "city", description: "A city", schema: { type: "object", const: 1 } } } });
    expect(json.generationConfig).toEqual({ responseMimeType: "application/json", responseJsonSchema: { type: "object", description: "A city" } });
    expect(warnings).toEqual([
      { code: "unsupported_parameter", param: "response_format.json_schema.schema", message: "Gemini does not support these JSON Schema keywords, dropped: const." },
    ]);
  });

  test.each([
    ["minimal", 512],
    ["low", 1024],
    ["medium", 8192],
    ["high", 24576],
  ])("reasoning_effort %s → thinkingBudget %i with thoughts included", (effort, budget) => {
    expect(build({ reasoning_effort: effort }).json.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: budget, includeThoughts: true } });
  });

  test("parameters Gemini cannot honour are omitted with warnings", () => {
    const { json, warnings } = build({
      messages: [
        { role: "user", content: "Hi", name: "ann" },
        { role: "assistant", content: "Hello", reasoning_content: "greet back" },
        { role: "user", content: "Bye" },
      ],
      logit_bias: { "50256": -100 },
      user: "user-42",
      metadata: { team: "a" },
      parallel_tool_calls: false,
      tool_choice: "required",
      top_logprobs: 2,
      store: true,
      service_tier: "flex",
    });
    expect(json).toEqual({
      contents: [
        { role: "user", parts: [{ text: "Hi" }] },
        { role: "model", parts: [{ text: "Hello" }] },
        { role: "user", parts: [{ text: "Bye" }] },
      ],
    });
    expect(warnings.map((warning) => warning.param)).toEqual([
      "store",
      "service_tier",
      "logit_bias",
      "user",
      "metadata",
      "parallel_tool_calls",
      "messages.name",
      "messages.reasoning_content",
      "tool_choice",
      "top_logprobs",
    ]);
    expect(new Set(warnings.map((warning) => warning.code))).toEqual(new Set(["unsupported_parameter"]));
  });
});

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
