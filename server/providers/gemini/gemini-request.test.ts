import { describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { ChatRequest, Target } from "@/server/gateway/types";
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
