import { describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { ChatRequest, Target } from "@/server/gateway/types";
import { openai, openAICompatible } from "./index";
import { knownRequestFields } from "./request";

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
