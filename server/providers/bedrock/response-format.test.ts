import { describe, expect, test } from "vitest";
import type { ChatRequest, SseEvent, StreamEvent } from "@/server/gateway/types";
import { collect } from "../test-utils";
import { hasNativeStructuredOutput, JSON_TOOL_NAME } from "./response-format";
import { bedrockAdapter as adapter, bedrockTarget as target, buildConverse as build, chat } from "./test-utils";

const HAIKU_45 = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
const SONNET_4 = "us.anthropic.claude-sonnet-4-20250514-v1:0";
const NOVA = "amazon.nova-lite-v1:0";
const MISTRAL = "mistral.mistral-large-2407-v1:0";
const SCHEMA = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
const WEATHER = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } } as const;

const jsonSchema = (extra: Record<string, unknown> = {}): ChatRequest["response_format"] => ({ type: "json_schema", json_schema: { name: "answer", strict: true, schema: SCHEMA, ...extra } });
const forcedTool = (schema: unknown, toolChoice: unknown, description = "Give your complete answer as this tool's input.") => ({
  tools: [{ toolSpec: { name: JSON_TOOL_NAME, description, inputSchema: { json: schema } } }],
  toolChoice,
});

describe("bedrock: response_format → request", () => {
  test.each([
    [HAIKU_45, true],
    ["eu.anthropic.claude-sonnet-4-5-20250929-v1:0", true],
    ["global.anthropic.claude-opus-4-6-v1", true],
    ["anthropic.claude-opus-4-5-20251101-v1:0", true],
    [SONNET_4, false],
    ["anthropic.claude-opus-4-1-20250805-v1:0", false],
    ["anthropic.claude-3-7-sonnet-20250219-v1:0", false],
    [NOVA, false],
    [MISTRAL, false],
  ])("%s has native structured output: %s", (model, expected) => {
    expect(hasNativeStructuredOutput(model)).toBe(expected);
  });

  test("json_schema on Claude 4.5: outputConfig.textFormat with the schema as a JSON string, name and description; no tool", () => {
    const { body, warnings } = build(chat({ response_format: jsonSchema({ description: "The answer." }) }), HAIKU_45);
    expect(body.outputConfig).toEqual({ textFormat: { type: "json_schema", structure: { jsonSchema: { schema: JSON.stringify(SCHEMA), name: "answer", description: "The answer." } } } });
    expect(body.toolConfig).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  test("native structured output keeps the caller's tools and extended thinking", () => {
    const { body, warnings } = build(chat({ response_format: jsonSchema(), tools: [WEATHER], reasoning_effort: "low" }), HAIKU_45);
    expect(body.outputConfig.textFormat.structure.jsonSchema.name).toBe("answer");
    expect(body.toolConfig.tools.map((tool: { toolSpec: { name: string } }) => tool.toolSpec.name)).toEqual(["get_weather"]);
    expect(body.additionalModelRequestFields).toEqual({ thinking: { type: "enabled", budget_tokens: 1024 } });
    expect(warnings).toEqual([]);
  });

  test.each([
    ["Nova (toolChoice tool)", NOVA, { tool: { name: JSON_TOOL_NAME } }],
    ["Claude 4 (toolChoice tool)", SONNET_4, { tool: { name: JSON_TOOL_NAME } }],
    ["Mistral (toolChoice any: the only tool)", MISTRAL, { any: {} }],
  ])("json_schema without native support, %s: a forced tool with the schema", (_name, model, toolChoice) => {
    const { body, warnings } = build(chat({ response_format: jsonSchema() }), model);
    expect(body.toolConfig).toEqual(forcedTool(SCHEMA, toolChoice));
    expect(body.outputConfig).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  test("the schema's description describes the forced tool", () => {
    const { body } = build(chat({ response_format: jsonSchema({ description: "A short answer." }) }), NOVA);
    expect(body.toolConfig).toEqual(forcedTool(SCHEMA, { tool: { name: JSON_TOOL_NAME } }, "A short answer."));
  });

  test.each([
    ["json_object on Claude 4.5", { type: "json_object" }, HAIKU_45],
    ["json_object on Nova", { type: "json_object" }, NOVA],
    ["json_schema without a schema on Claude 4.5", { type: "json_schema", json_schema: { name: "anything" } }, HAIKU_45],
  ] as const)("%s: a forced tool with an open object schema", (_name, format, model) => {
    const { body, warnings } = build(chat({ response_format: format }), model);
    expect(body.toolConfig).toEqual(forcedTool({ type: "object" }, { tool: { name: JSON_TOOL_NAME } }));
    expect(body.outputConfig).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  test.each([
    ["json_schema on Nova", jsonSchema(), NOVA],
    ["json_object on Claude 4.5", { type: "json_object" }, HAIKU_45],
  ] as const)("%s with the caller's tools or tool_choice: a 400 naming response_format, nothing sent", (_name, format, model) => {
    for (const extra of [{ tools: [WEATHER] }, { tools: [WEATHER], tool_choice: "required" as const }, { tool_choice: "auto" as const }]) {
      const built = adapter.buildRequest(chat({ response_format: format, ...extra }), target(model));
      expect(built.rejection).toMatchObject({ kind: "invalid_request", param: "response_format", message: expect.stringContaining("forced tool") });
      expect(built.body).toBe("");
    }
  });

  test("a caller tool named like the gateway's forced tool is a 400 naming tools, with or without response_format", () => {
    const reserved = { ...WEATHER, function: { ...WEATHER.function, name: JSON_TOOL_NAME } };
    for (const request of [chat({ tools: [reserved] }), chat({ tools: [reserved], response_format: { type: "json_object" } })]) {
      expect(adapter.buildRequest(request, target(NOVA)).rejection).toMatchObject({ kind: "invalid_request", param: "tools" });
    }
  });

  test("tool_choice none with a response_format still uses the forced tool", () => {
    const { body } = build(chat({ response_format: { type: "json_object" }, tool_choice: "none" }), NOVA);
    expect(body.toolConfig).toEqual(forcedTool({ type: "object" }, { tool: { name: JSON_TOOL_NAME } }));
  });

  test.each([
    ["json_schema on Claude 4 Sonnet", jsonSchema(), SONNET_4],
    ["json_object on Claude 4.5 Haiku", { type: "json_object" }, HAIKU_45],
  ] as const)("%s with reasoning_effort: the forced tool wins, thinking is omitted with a warning", (_name, format, model) => {
    const { body, warnings } = build(chat({ response_format: format, reasoning_effort: "medium", temperature: 0.2 }), model);
    expect(body.toolConfig.toolChoice).toEqual({ tool: { name: JSON_TOOL_NAME } });
    expect(body.additionalModelRequestFields).toBeUndefined();
    expect(body.inferenceConfig).toEqual({ temperature: 0.2 });
    expect(warnings).toEqual([
      { code: "unsupported_parameter", param: "reasoning_effort", message: "Extended thinking cannot be used with response_format on this model (it is enforced with a forced tool); reasoning_effort was omitted." },
    ]);
  });

  test("type text changes nothing", () => {
    const { body, warnings } = build(chat({ response_format: { type: "text" } }), NOVA);
    expect(body).toEqual({ messages: [{ role: "user", content: [{ text: "Hi" }] }] });
    expect(warnings).toEqual([]);
  });
});

describe("bedrock: the forced JSON tool's answer → assistant text", () => {
  test("non-stream: the tool input becomes the JSON text, tool_use becomes stop", () => {
    const result = adapter.parseResponse({
      output: { message: { role: "assistant", content: [{ toolUse: { toolUseId: "tooluse_1", name: JSON_TOOL_NAME, input: { answer: "42" } } }] } },
      stopReason: "tool_use",
      usage: { inputTokens: 30, outputTokens: 12, totalTokens: 42 },
    });
    expect(result).toEqual({ ok: true, value: { choices: [{ index: 0, text: '{"answer":"42"}', finishReason: "stop" }], usage: { inputTokens: 30, outputTokens: 12 } } });
  });

  test("non-stream: an answer cut at max_tokens still says length", () => {
    const result = adapter.parseResponse({ output: { message: { content: [{ toolUse: { toolUseId: "t", name: JSON_TOOL_NAME, input: {} } }] } }, stopReason: "max_tokens" });
    expect(result.ok && result.value.choices[0]).toEqual({ index: 0, text: "{}", finishReason: "length" });
  });

  test("non-stream: another tool's call stays a tool call", () => {
    const result = adapter.parseResponse({ output: { message: { content: [{ toolUse: { toolUseId: "t", name: "json_response", input: { a: 1 } } }] } }, stopReason: "tool_use" });
    expect(result.ok && result.value.choices[0]).toEqual({ index: 0, text: null, toolCalls: [{ id: "t", name: "json_response", arguments: '{"a":1}' }], finishReason: "tool_calls" });
  });

  const event = (name: string, payload: unknown): SseEvent => ({ event: name, data: JSON.stringify(payload) });
  const parse = (events: SseEvent[]) =>
    collect(new ReadableStream<SseEvent>({ start: (controller) => { events.forEach((item) => controller.enqueue(item)); controller.close(); } }).pipeThrough(adapter.parseStream()));

  test("stream: the tool's input fragments become text deltas, tool_use becomes stop", async () => {
    const events = await parse([
      event("messageStart", { role: "assistant" }),
      event("contentBlockStart", { start: { toolUse: { toolUseId: "tooluse_1", name: JSON_TOOL_NAME } }, contentBlockIndex: 0 }),
      event("contentBlockDelta", { delta: { toolUse: { input: "" } }, contentBlockIndex: 0 }),
      event("contentBlockDelta", { delta: { toolUse: { input: '{"answer":' } }, contentBlockIndex: 0 }),
      event("contentBlockDelta", { delta: { toolUse: { input: '"42"}' } }, contentBlockIndex: 0 }),
      event("contentBlockStop", { contentBlockIndex: 0 }),
      event("messageStop", { stopReason: "tool_use" }),
      event("metadata", { usage: { inputTokens: 13, outputTokens: 7, totalTokens: 20 } }),
    ]);
    expect(events).toEqual<StreamEvent[]>([
      { type: "text-delta", text: '{"answer":' },
      { type: "text-delta", text: '"42"}' },
      { type: "finish", finishReasons: ["stop"], usage: { inputTokens: 13, outputTokens: 7 } },
    ]);
  });

  test("stream: a cut answer is still a cut stream", async () => {
    const events = await parse([
      event("contentBlockStart", { start: { toolUse: { toolUseId: "tooluse_1", name: JSON_TOOL_NAME } }, contentBlockIndex: 0 }),
      event("contentBlockDelta", { delta: { toolUse: { input: '{"answer":' } }, contentBlockIndex: 0 }),
    ]);
    expect(events).toEqual<StreamEvent[]>([{ type: "text-delta", text: '{"answer":' }, { type: "error", error: { kind: "stream_cut", provider: "bedrock" } }]);
  });
});
