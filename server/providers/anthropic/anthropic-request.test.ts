import { describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { Target } from "@/server/gateway/types";
import { anthropicTestTarget } from "./anthropic-test-target";
import { anthropic } from "./index";

const target = anthropicTestTarget;

function build(fields: Record<string, unknown>, targetFields: Partial<Target> = {}) {
  const request = chatRequestSchema.parse({ model: "claude-sonnet", messages: [{ role: "user", content: "Hi" }], ...fields });
  const upstream = anthropic.buildRequest(request, { ...target, ...targetFields });
  return { upstream, body: JSON.parse(upstream.body) as Record<string, unknown>, params: upstream.warnings.map((warning) => warning.param) };
}

describe("anthropic: buildRequest", () => {
  test("url, headers, model and the default max_tokens", () => {
    const { upstream, body } = build({});
    expect(upstream.url).toBe("https://api.anthropic.com/v1/messages");
    expect(upstream.headers).toEqual({ "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test-key" });
    expect(body).toEqual({ model: "claude-sonnet-4-5-20250929", max_tokens: 4096, messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] });
    expect(upstream.warnings).toEqual([]);
  });

  test("no auth header for a keyless connection", () => {
    expect(build({}, { apiKey: "" }).upstream.headers["x-api-key"]).toBeUndefined();
  });

  test("system and developer messages become the top-level system", () => {
    expect(build({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] }).body.system).toBe("Be brief.");
    const { body } = build({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Answer in French." }] },
        { role: "user", content: "Hi" },
      ],
    });
    expect(body.system).toEqual([
      { type: "text", text: "Be brief." },
      { type: "text", text: "Answer in French." },
    ]);
    expect(body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "Hi" }] }]);
  });

  test("multi-turn history with tool calls: merged turns, tool_use and tool_result blocks", () => {
    const { body, upstream } = build({
      messages: [
        { role: "user", content: "Weather in Paris and Rome?" },
        { role: "user", content: "Use Celsius." },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "18C" },
        { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "21C" }] },
        { role: "user", content: "And tomorrow?" },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }, { type: "text", text: "Use Celsius." }] },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "call_2", name: "get_weather", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_1", content: "18C" },
          { type: "tool_result", tool_use_id: "call_2", content: [{ type: "text", text: "21C" }] },
          { type: "text", text: "And tomorrow?" },
        ],
      },
    ]);
    expect(upstream.warnings).toEqual([]);
  });

  test("tool call arguments that are not a JSON object become {} with a warning", () => {
    const { body, upstream } = build({
      messages: [
        { role: "user", content: "Go" },
        { role: "assistant", tool_calls: [{ id: "call_1", type: "function", function: { name: "run", arguments: "not json" } }] },
        { role: "tool", tool_call_id: "call_1", content: "ok" },
      ],
    });
    expect((body.messages as { content: unknown[] }[])[1].content).toEqual([{ type: "tool_use", id: "call_1", name: "run", input: {} }]);
    expect(upstream.warnings).toMatchObject([{ code: "other", param: "tool_calls" }]);
  });

  test.each([
    [{ temperature: 0.7 }, { temperature: 0.7 }, []],
    [{ temperature: 1.5 }, { temperature: 1 }, [{ code: "clamped_parameter", param: "temperature" }]],
    [{ top_p: 0.9 }, { top_p: 0.9 }, []],
    [{ stop: "END" }, { stop_sequences: ["END"] }, []],
    [{ stop: ["END", "STOP"] }, { stop_sequences: ["END", "STOP"] }, []],
    [{ stop: ["END", "  "] }, { stop_sequences: ["END"] }, [{ code: "unsupported_parameter", param: "stop" }]],
    [{ max_tokens: 300 }, { max_tokens: 300 }, []],
    [{ max_tokens: 300, max_completion_tokens: 500 }, { max_tokens: 500 }, []],
    [{ stream: true, stream_options: { include_usage: true } }, { stream: true }, []],
    [{ user: "user-42" }, { metadata: { user_id: "user-42" } }, []],
    [{ n: 1 }, {}, []],
  ])("sampling and limits %j", (fields, expected, warnings) => {
    const { body, upstream } = build(fields);
    expect(body).toMatchObject(expected);
    expect(upstream.warnings).toMatchObject(warnings);
    expect(upstream.warnings).toHaveLength(warnings.length);
  });

  test("max_tokens falls back to the model limit and is clamped to it", () => {
    expect(build({}, { maxOutputTokens: 8192 }).body.max_tokens).toBe(8192);
    const { body, upstream } = build({ max_completion_tokens: 100000 }, { maxOutputTokens: 64000 });
    expect(body.max_tokens).toBe(64000);
    expect(upstream.warnings).toMatchObject([{ code: "clamped_parameter", param: "max_completion_tokens" }]);
  });

  const weatherTool = { type: "function", function: { name: "get_weather", description: "Current weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };

  test("tool definitions", () => {
    const { body } = build({ tools: [weatherTool, { type: "function", function: { name: "now", strict: true } }] });
    expect(body.tools).toEqual([
      { name: "get_weather", description: "Current weather", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
      { name: "now", input_schema: { type: "object", properties: {} }, strict: true },
    ]);
    expect(body.tool_choice).toBeUndefined();
  });

  test.each([
    [{ tool_choice: "auto" }, { type: "auto" }],
    [{ tool_choice: "none" }, { type: "none" }],
    [{ tool_choice: "required" }, { type: "any" }],
    [{ tool_choice: { type: "function", function: { name: "get_weather" } } }, { type: "tool", name: "get_weather" }],
    [{ parallel_tool_calls: false }, { type: "auto", disable_parallel_tool_use: true }],
    [{ tool_choice: "required", parallel_tool_calls: false }, { type: "any", disable_parallel_tool_use: true }],
    [{ tool_choice: "none", parallel_tool_calls: false }, { type: "none" }],
    [{ parallel_tool_calls: true }, undefined],
  ])("tool_choice %j", (fields, expected) => {
    const { body, upstream } = build({ tools: [weatherTool], ...fields });
    expect(body.tool_choice).toEqual(expected);
    expect(upstream.warnings).toEqual([]);
  });

  test("tool_choice without tools is omitted with a warning", () => {
    const { body, params } = build({ tool_choice: "required" });
    expect(body.tool_choice).toBeUndefined();
    expect(params).toEqual(["tool_choice"]);
  });

  test("images: data URLs inline as base64, http(s) URLs as url sources, others warned", () => {
    const { body, upstream } = build({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Compare these." },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg", detail: "auto" } },
            { type: "image_url", image_url: { url: "data:image/bmp;base64,Qk0=" } },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Compare these." },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
        ],
      },
    ]);
    expect(upstream.warnings).toMatchObject([{ code: "unsupported_parameter", param: "image_url" }]);
  });

  test("inline PDFs become document blocks; audio and image detail are warned", () => {
    const { body, params } = build({
      messages: [
        {
          role: "user",
          name: "alice",
          content: [
            { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
            { type: "input_audio", input_audio: { data: "UklGR", format: "wav" } },
            { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "high" } },
          ],
        },
      ],
    });
    expect((body.messages as { content: unknown[] }[])[0].content).toEqual([
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" }, title: "a.pdf" },
      { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
    ]);
    expect(params).toEqual(["name", "input_audio", "detail"]);
  });

  test("response_format json_schema uses output_config.format", () => {
    const schema = { type: "object", properties: { answer: { type: "number" } }, required: ["answer"], additionalProperties: false };
    const { body, upstream } = build({ response_format: { type: "json_schema", json_schema: { name: "answer", schema, strict: true } } });
    expect(body.output_config).toEqual({ format: { type: "json_schema", schema } });
    expect(upstream.headers["anthropic-beta"]).toBeUndefined();
    expect(upstream.warnings).toEqual([]);
  });

  test("response_format json_object is a warning only and leaves the prompt untouched", () => {
    const { body, upstream } = build({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }], response_format: { type: "json_object" } });
    expect(body.system).toBe("Be brief.");
    expect(body.output_config).toBeUndefined();
    expect(upstream.warnings).toMatchObject([{ code: "unsupported_parameter", param: "response_format" }]);
  });

  test.each([
    ["minimal", {}, { max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 1024 } }, []],
    ["low", {}, { max_tokens: 4096, thinking: { type: "enabled", budget_tokens: 1024 } }, []],
    ["medium", { max_completion_tokens: 8000 }, { max_tokens: 8000, thinking: { type: "enabled", budget_tokens: 4096 } }, []],
    ["medium", {}, { max_tokens: 8192, thinking: { type: "enabled", budget_tokens: 4096 } }, [{ code: "clamped_parameter", param: "max_tokens" }]],
    ["high", { max_tokens: 2000 }, { max_tokens: 18384, thinking: { type: "enabled", budget_tokens: 16384 } }, [{ code: "clamped_parameter", param: "max_tokens" }]],
  ])("reasoning_effort %s %j", (effort, fields, expected, warnings) => {
    const { body, upstream } = build({ reasoning_effort: effort, ...fields });
    expect(body).toMatchObject(expected);
    expect(upstream.warnings).toMatchObject(warnings);
    expect(upstream.warnings).toHaveLength(warnings.length);
  });

  test("thinking budget shares a capped model limit", () => {
    const { body, params } = build({ reasoning_effort: "high" }, { maxOutputTokens: 8192 });
    expect(body).toMatchObject({ max_tokens: 8192, thinking: { type: "enabled", budget_tokens: 4096 } });
    expect(params).toEqual(["max_tokens"]);
  });

  test("thinking drops temperature and lifts top_p to 0.95", () => {
    const { body, upstream } = build({ reasoning_effort: "low", temperature: 0.2, top_p: 0.5 });
    expect(body.temperature).toBeUndefined();
    expect(body.top_p).toBe(0.95);
    expect(upstream.warnings).toMatchObject([
      { code: "unsupported_parameter", param: "temperature" },
      { code: "clamped_parameter", param: "top_p" },
    ]);
  });

  test.each([
    ["a forced tool choice", { tools: [weatherTool], tool_choice: "required" }],
    [
      "a tool loop continuation",
      {
        messages: [
          { role: "user", content: "Weather?" },
          { role: "assistant", tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{}" } }] },
          { role: "tool", tool_call_id: "call_1", content: "18C" },
        ],
      },
    ],
  ])("reasoning_effort is omitted with %s", (_name, fields) => {
    const { body, params } = build({ reasoning_effort: "medium", ...fields });
    expect(body.thinking).toBeUndefined();
    expect(params).toEqual(["reasoning_effort"]);
  });

  test("parameters Anthropic cannot honour are omitted with exact warnings", () => {
    const { body, params, upstream } = build({
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: 0.3,
      logprobs: true,
      top_logprobs: 3,
      logit_bias: { "50256": -100 },
      metadata: { trace: "abc" },
      service_tier: "flex",
      store: true,
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello", reasoning_content: "The user greets me." },
        { role: "user", content: "Bye" },
      ],
    });
    expect(params).toEqual([
      "reasoning_content",
      "seed",
      "presence_penalty",
      "frequency_penalty",
      "logprobs",
      "top_logprobs",
      "logit_bias",
      "metadata",
      "service_tier",
      "store",
    ]);
    expect(upstream.warnings.every((warning) => warning.code === "unsupported_parameter")).toBe(true);
    expect(Object.keys(body).sort()).toEqual(["max_tokens", "messages", "model"]);
  });

  test("zero penalties and logprobs:false are honoured silently", () => {
    expect(build({ presence_penalty: 0, frequency_penalty: 0, logprobs: false }).upstream.warnings).toEqual([]);
  });
});
