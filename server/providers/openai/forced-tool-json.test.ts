import { describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { ProviderAdapter, SseEvent, StreamEvent, Target } from "@/server/gateway/types";
import { deepseek, fireworks, groq, local, mistral, openrouter, qwen, together, xai } from "../compatible";
import { collect } from "../test-utils";
import { FORCED_TOOL_NAME } from "./forced-tool-json";
import { openai } from "./index";

const SCHEMA = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
const JSON_SCHEMA_FORMAT = { type: "json_schema", json_schema: { name: "answer", strict: true, schema: SCHEMA } };
const FORCED_CHOICE = { type: "function", function: { name: FORCED_TOOL_NAME } };
const WEATHER_TOOL = { type: "function", function: { name: "get_weather", parameters: { type: "object" } } };
const RENAMED = {
  code: "renamed_parameter",
  param: "response_format",
  message: `response_format json_schema was sent as a forced tool call (${FORCED_TOOL_NAME}); its arguments are the answer's content.`,
};
const STRICT_OMITTED = {
  code: "unsupported_parameter",
  param: "response_format.json_schema.strict",
  message: "strict function schemas need this provider's /beta base URL; the schema was sent without strict.",
};

function target(adapter: ProviderAdapter, baseUrl = "https://api.deepseek.com"): Target {
  return { provider: adapter.id, connectionId: "conn_1", baseUrl, apiKey: "sk-test", upstreamModel: "deepseek-chat", modelName: "alias" };
}

function build(fields: Record<string, unknown>, options: { adapter?: ProviderAdapter; baseUrl?: string } = {}) {
  const adapter = options.adapter ?? deepseek;
  const request = chatRequestSchema.parse({ model: "alias", messages: [{ role: "user", content: "Answer in JSON." }], ...fields });
  const upstream = adapter.buildRequest(request, target(adapter, options.baseUrl));
  return { ...upstream, json: JSON.parse(upstream.body) as Record<string, unknown> };
}

function sse(chunks: unknown[], done = true): ReadableStream<SseEvent> {
  return new ReadableStream<SseEvent>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue({ data: JSON.stringify(chunk) });
      if (done) controller.enqueue({ data: "[DONE]" });
      controller.close();
    },
  });
}

const delta = (value: Record<string, unknown>, finishReason: string | null = null, index = 0) => ({ choices: [{ index, delta: value, finish_reason: finishReason }] });
const callStart = (name: string, index = 0) => delta({ tool_calls: [{ index: 0, id: "call_00_abc", type: "function", function: { name, arguments: "" } }] }, null, index);
const argumentsDelta = (piece: string, index = 0) => delta({ tool_calls: [{ index: 0, function: { arguments: piece } }] }, null, index);
const usageChunk = { choices: [], usage: { prompt_tokens: 21, completion_tokens: 9, prompt_cache_hit_tokens: 0 } };

describe("deepseek (jsonSchema: forced-tool): request", () => {
  test("json_schema becomes one forced function tool with the schema as parameters, and a renamed_parameter warning", () => {
    const upstream = build({ response_format: { type: "json_schema", json_schema: { name: "answer", description: "The answer", schema: SCHEMA } } });
    expect(upstream.rejection).toBeUndefined();
    expect(upstream.json).not.toHaveProperty("response_format");
    expect(upstream.json.tools).toEqual([{ type: "function", function: { name: FORCED_TOOL_NAME, description: "The answer", parameters: SCHEMA } }]);
    expect(upstream.json.tool_choice).toEqual(FORCED_CHOICE);
    expect(upstream.warnings).toEqual([RENAMED]);
  });

  test("strict: omitted with a warning on the default base URL, passed on DeepSeek's /beta base URL", () => {
    const plain = build({ response_format: JSON_SCHEMA_FORMAT });
    expect((plain.json.tools as { function: Record<string, unknown> }[])[0].function).not.toHaveProperty("strict");
    expect(plain.warnings).toEqual([STRICT_OMITTED, RENAMED]);

    const beta = build({ response_format: JSON_SCHEMA_FORMAT }, { baseUrl: "https://api.deepseek.com/beta" });
    expect(beta.url).toBe("https://api.deepseek.com/beta/chat/completions");
    expect((beta.json.tools as { function: Record<string, unknown> }[])[0].function).toMatchObject({ name: FORCED_TOOL_NAME, strict: true, parameters: SCHEMA });
    expect(beta.warnings).toEqual([RENAMED]);
  });

  test("strict false passes quietly; a json_schema without a schema asks for any JSON object", () => {
    const upstream = build({ response_format: { type: "json_schema", json_schema: { name: "free", strict: false } } });
    expect((upstream.json.tools as { function: Record<string, unknown> }[])[0].function).toEqual({
      name: FORCED_TOOL_NAME,
      description: "Give the final answer as this function's arguments.",
      parameters: { type: "object" },
    });
    expect(upstream.warnings).toEqual([RENAMED]);
  });

  test("json_object and text stay native", () => {
    expect(build({ response_format: { type: "json_object" } })).toMatchObject({ json: { response_format: { type: "json_object" } }, warnings: [] });
    expect(build({ response_format: { type: "json_object" } }).json).not.toHaveProperty("tools");
    expect(build({ response_format: { type: "text" } }).json.response_format).toEqual({ type: "text" });
  });

  const conflict = {
    kind: "invalid_request",
    param: "response_format",
    code: "invalid_value",
    message: "response_format json_schema cannot be combined with tools or tool_choice on this provider: it has no native json_schema, and the gateway sends the schema as a forced tool call.",
  };
  test.each([
    { name: "tools", fields: { tools: [WEATHER_TOOL] } },
    { name: "tools and tool_choice auto", fields: { tools: [WEATHER_TOOL], tool_choice: "auto" } },
    { name: "tool_choice none without tools", fields: { tool_choice: "none" } },
  ])("json_schema with $name is a 400 on response_format", ({ fields }) => {
    expect(build({ response_format: JSON_SCHEMA_FORMAT, ...fields }).rejection).toEqual(conflict);
  });

  test("a caller tool with the reserved name is a 400, with or without response_format", () => {
    const reserved = { type: "function", function: { name: FORCED_TOOL_NAME, parameters: { type: "object" } } };
    const expected = { kind: "invalid_request", param: "tools", code: "invalid_value", message: `The tool name ${FORCED_TOOL_NAME} is reserved by the gateway for structured output on this provider.` };
    expect(build({ tools: [reserved] }).rejection).toEqual(expected);
    expect(build({ tools: [reserved], response_format: JSON_SCHEMA_FORMAT }).rejection).toEqual(expected);
  });

  test("caller tools without json_schema pass unchanged", () => {
    const upstream = build({ tools: [WEATHER_TOOL], tool_choice: "required" });
    expect(upstream).toMatchObject({ json: { tools: [WEATHER_TOOL], tool_choice: "required" }, warnings: [] });
    expect(upstream.rejection).toBeUndefined();
  });
});

describe("providers without the quirk: json_schema stays native", () => {
  test.each([openai, qwen, groq, together, fireworks, xai, openrouter, mistral, local])("$id", (adapter) => {
    const upstream = build({ response_format: JSON_SCHEMA_FORMAT, tools: [{ type: "function", function: { name: FORCED_TOOL_NAME } }] }, { adapter });
    expect(upstream.rejection).toBeUndefined();
    expect(upstream.json.response_format).toEqual(JSON_SCHEMA_FORMAT);
    expect(upstream.json.tools).toEqual([{ type: "function", function: { name: FORCED_TOOL_NAME } }]);
    expect(upstream.warnings).toEqual([]);
  });

  test("openai: a tool call that happens to use the reserved name stays a tool call", async () => {
    const body = { choices: [{ index: 0, message: { content: null, tool_calls: [{ id: "call_1", function: { name: FORCED_TOOL_NAME, arguments: "{}" } }] }, finish_reason: "tool_calls" }] };
    expect(openai.parseResponse(body)).toMatchObject({ ok: true, value: { choices: [{ text: null, finishReason: "tool_calls", toolCalls: [{ name: FORCED_TOOL_NAME, arguments: "{}" }] }] } });
    const events = await collect(sse([callStart(FORCED_TOOL_NAME), argumentsDelta("{}"), delta({}, "tool_calls")]).pipeThrough(openai.parseStream()));
    expect(events.filter((event) => event.type === "text-delta")).toEqual([]);
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["tool_calls"] });
  });
});

describe("deepseek (jsonSchema: forced-tool): response", () => {
  const answer = '{"answer":"Paris"}';
  const forcedMessage = (extra: Record<string, unknown> = {}) => ({
    role: "assistant",
    content: "",
    ...extra,
    tool_calls: [{ index: 0, id: "call_00_abc", type: "function", function: { name: FORCED_TOOL_NAME, arguments: answer } }],
  });

  test("the forced call's arguments become the text, no tool calls, finish stop, usage unchanged", () => {
    const body = { id: "ds-1", choices: [{ index: 0, message: forcedMessage(), finish_reason: "tool_calls" }], usage: { prompt_tokens: 21, completion_tokens: 9, prompt_cache_hit_tokens: 8 } };
    expect(deepseek.parseResponse(body)).toEqual({
      ok: true,
      value: { choices: [{ index: 0, text: answer, finishReason: "stop" }], usage: { inputTokens: 21, outputTokens: 9, cachedInputTokens: 8 }, upstreamId: "ds-1" },
    });
  });

  test("reasoning stays reasoning; a cut-off answer keeps finish length; other choices keep their index", () => {
    const body = {
      choices: [
        { index: 0, message: forcedMessage({ reasoning_content: "thinking" }), finish_reason: "stop" },
        { index: 1, message: forcedMessage(), finish_reason: "length" },
      ],
    };
    expect(deepseek.parseResponse(body)).toEqual({
      ok: true,
      value: { choices: [{ index: 0, text: answer, reasoning: "thinking", finishReason: "stop" }, { index: 1, text: answer, finishReason: "length" }] },
    });
  });

  test("a plain text answer and a caller's tool call are untouched", () => {
    const text = { choices: [{ index: 0, message: { role: "assistant", content: "Hi" }, finish_reason: "stop" }] };
    expect(deepseek.parseResponse(text)).toEqual({ ok: true, value: { choices: [{ index: 0, text: "Hi", finishReason: "stop" }] } });
    const call = { choices: [{ index: 0, message: { content: "", tool_calls: [{ id: "c1", function: { name: "get_weather", arguments: "{}" } }] }, finish_reason: "tool_calls" }] };
    expect(deepseek.parseResponse(call)).toMatchObject({ ok: true, value: { choices: [{ finishReason: "tool_calls", toolCalls: [{ id: "c1", name: "get_weather", arguments: "{}" }] }] } });
  });

  test("stream: argument deltas become text deltas at the same choice, finish stop, usage kept", async () => {
    const chunks = [delta({ role: "assistant", content: "" }), callStart(FORCED_TOOL_NAME), argumentsDelta('{"answer"'), argumentsDelta(':"Paris"}'), delta({ content: "" }, "tool_calls"), usageChunk];
    const events: StreamEvent[] = await collect(sse(chunks).pipeThrough(deepseek.parseStream()));
    expect(events).toEqual([
      { type: "text-delta", text: '{"answer"' },
      { type: "text-delta", text: ':"Paris"}' },
      { type: "finish", finishReasons: ["stop"], usage: { inputTokens: 21, outputTokens: 9, cachedInputTokens: 0 } },
    ]);
  });

  test("stream: a second choice gets its text at its own index", async () => {
    const chunks = [callStart(FORCED_TOOL_NAME, 1), argumentsDelta("{}", 1), delta({}, "tool_calls", 1), callStart(FORCED_TOOL_NAME), argumentsDelta("[]"), delta({}, "tool_calls")];
    const events = await collect(sse(chunks).pipeThrough(deepseek.parseStream()));
    expect(events).toEqual([
      { type: "text-delta", choice: 1, text: "{}" },
      { type: "text-delta", text: "[]" },
      { type: "finish", finishReasons: ["stop", "stop"] },
    ]);
  });

  test("stream: a caller's tool call stays a tool call", async () => {
    const events = await collect(sse([callStart("get_weather"), argumentsDelta("{}"), delta({}, "tool_calls")]).pipeThrough(deepseek.parseStream()));
    expect(events).toEqual([
      { type: "tool-call-delta", toolIndex: 0, id: "call_00_abc", name: "get_weather", argumentsDelta: "" },
      { type: "tool-call-delta", toolIndex: 0, argumentsDelta: "{}" },
      { type: "finish", finishReasons: ["tool_calls"] },
    ]);
  });

  test("stream: cut mid-way ends with stream_cut, not success", async () => {
    const events = await collect(sse([callStart(FORCED_TOOL_NAME), argumentsDelta('{"ans')], false).pipeThrough(deepseek.parseStream()));
    expect(events).toEqual([{ type: "text-delta", text: '{"ans' }, { type: "error", error: { kind: "stream_cut", provider: "deepseek" } }]);
  });
});
