import { request } from "undici";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { StreamEvent, Target } from "@/server/gateway/types";
import { deepseek } from "@/server/providers/compatible";
import { FAKE_REASONING, FAKE_TEXT, FAKE_USAGE, type FakeUpstream } from "./common";
import { sendThroughAdapter } from "./round-trip";
import { FAKE_DEEPSEEK_API_KEY, REASONING_CONTENT_IN_INPUT, startFakeDeepSeek } from "./deepseek-fake";
import { FAKE_TOOL_ARGUMENTS } from "./openai-fake";
import { makeKey, makeModel, postJson, startTestGateway } from "@/server/gateway/__tests__/harness";
import { FORCED_TOOL_NAME } from "@/server/providers/openai/forced-tool-json";

let fake: FakeUpstream;
let target: Target;

beforeAll(async () => {
  fake = await startFakeDeepSeek(0);
  target = { provider: "deepseek", connectionId: "conn_fake", baseUrl: fake.url, apiKey: FAKE_DEEPSEEK_API_KEY, upstreamModel: "deepseek-chat", modelName: "ds" };
});
afterAll(() => fake.close());

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- decoded answers
const user = (content: unknown) => [{ role: "user", content }];

async function post(body: unknown, key = FAKE_DEEPSEEK_API_KEY, path = "/chat/completions") {
  const response = await request(`${fake.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.statusCode, json: (await response.body.json()) as Json };
}

/** buildRequest → fake → sseDecoder → parseStream (or parseResponse), as the gateway chains them. */
function roundTrip(fields: Record<string, unknown>, upstreamModel = "deepseek-chat", basePath = "") {
  const upstream = deepseek.buildRequest(chatRequestSchema.parse({ model: "ds", ...fields }), { ...target, upstreamModel, baseUrl: `${fake.url}${basePath}` });
  return sendThroughAdapter(deepseek, upstream, fields.stream === true);
}

const joined = (events: StreamEvent[] | undefined, type: "text-delta" | "reasoning-delta") => (events ?? []).map((event) => (event.type === type ? event.text : "")).join("");

const weatherTool = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { location: { type: "string" } } } } };
const answerSchema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };

describe("deepseek fake: direct requests", () => {
  test("deepseek-chat answers the fixed text with DeepSeek's usage (cache hit/miss split, no reasoning details)", async () => {
    const { status, json } = await post({ model: "deepseek-chat", messages: user("Hi [[fake:cached]]") });
    expect(status).toBe(200);
    expect(json.choices[0].message).toEqual({ role: "assistant", content: FAKE_TEXT });
    expect(json.usage).toEqual({ prompt_tokens: 21, completion_tokens: 7, total_tokens: 28, prompt_tokens_details: { cached_tokens: 8 }, prompt_cache_hit_tokens: 8, prompt_cache_miss_tokens: 13 });
  });

  test("deepseek-reasoner answers reasoning_content beside content and counts reasoning tokens", async () => {
    const { json } = await post({ model: "deepseek-reasoner", messages: user("Hi") }, FAKE_DEEPSEEK_API_KEY, "/v1/chat/completions");
    expect(json.choices[0].message).toEqual({ role: "assistant", content: FAKE_TEXT, reasoning_content: FAKE_REASONING });
    expect(json.usage).toMatchObject({ completion_tokens: 7 + FAKE_USAGE.reasoning, completion_tokens_details: { reasoning_tokens: FAKE_USAGE.reasoning }, prompt_cache_miss_tokens: 21 });
  });

  test.each([
    ["reasoning_content sent back to the reasoner", { model: "deepseek-reasoner", messages: [...user("Hi"), { role: "assistant", content: "Hello", reasoning_content: "thought" }, ...user("Again")] }, 400, REASONING_CONTENT_IN_INPUT],
    ["an image part", { model: "deepseek-chat", messages: user([{ type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }]) }, 422, "Failed to deserialize the JSON body into the target type: messages[0]: unknown variant `image_url`, expected `text`"],
    ["a json_schema response_format", { model: "deepseek-chat", messages: user("json"), response_format: { type: "json_schema", json_schema: { name: "x", schema: {} } } }, 400, "This response_format type is unavailable now"],
    ["an unknown model", { model: "gpt-4o", messages: user("Hi") }, 400, "Model Not Exist"],
    ["max_tokens out of range", { model: "deepseek-chat", messages: user("Hi"), max_tokens: 9000 }, 422, "Invalid max_tokens value, the valid range of max_tokens is [1, 8192]"],
    ["logprobs on the reasoner", { model: "deepseek-reasoner", messages: user("Hi"), logprobs: true }, 400, "deepseek-reasoner does not support logprobs or top_logprobs"],
    ["a named tool_choice that is not in tools", { model: "deepseek-chat", messages: user("Hi"), tools: [weatherTool], tool_choice: { type: "function", function: { name: "other" } } }, 400, "Invalid value for 'tool_choice': function 'other' is not in 'tools'."],
    ["a tool_choice without tools", { model: "deepseek-chat", messages: user("Hi"), tool_choice: "required" }, 400, "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified."],
    ["more than 128 functions", { model: "deepseek-chat", messages: user("Hi"), tools: Array.from({ length: 129 }, (_, index) => ({ type: "function", function: { name: `f${index}` } })) }, 400, "Too many tools: at most 128 functions are supported"],
    ["a tool message without a preceding tool call", { model: "deepseek-chat", messages: [...user("Hi"), { role: "tool", tool_call_id: "call_1", content: "x" }] }, 400, "Messages with role 'tool' must be a response to a preceding message with 'tool_calls'"],
  ])("refuses %s", async (_name, body, status, message) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    expect(response.json.error).toMatchObject({ message, type: "invalid_request_error" });
  });

  test("reasoning_content in the input is accepted by deepseek-chat, and unknown fields are ignored but recorded", async () => {
    const response = await post({ model: "deepseek-chat", messages: [...user("Hi"), { role: "assistant", content: "Hello", reasoning_content: "thought" }, ...user("Again")], reasoning_effort: "low" });
    expect(response.status).toBe(200);
    expect((fake.received.at(-1)?.body as Json).reasoning_effort).toBe("low");
  });

  test("a named tool_choice is answered with a call to that function; without the tool scenario its arguments are the fixed text", async () => {
    const { status, json } = await post({ model: "deepseek-chat", messages: user("Hi"), tools: [weatherTool], tool_choice: { type: "function", function: { name: "get_weather" } } });
    expect(status).toBe(200);
    expect(json.choices[0]).toMatchObject({ finish_reason: "tool_calls", message: { content: "", tool_calls: [{ type: "function", function: { name: "get_weather", arguments: FAKE_TEXT } }] } });
  });

  test("strict functions on /beta must have closed object schemas; the same schema passes without /beta (strict is Beta-only)", async () => {
    const strictTool = { type: "function", function: { ...weatherTool.function, strict: true } };
    const beta = await post({ model: "deepseek-chat", messages: user("Hi"), tools: [strictTool] }, FAKE_DEEPSEEK_API_KEY, "/beta/chat/completions");
    expect(beta).toMatchObject({ status: 400, json: { error: { message: "Invalid schema for function 'get_weather' in strict mode: tools[0].function.parameters: 'additionalProperties' must be false", param: "tools[0].function.parameters" } } });
    const closed = { type: "function", function: { name: "answer", strict: true, parameters: answerSchema } };
    expect((await post({ model: "deepseek-chat", messages: user("Hi"), tools: [closed] }, FAKE_DEEPSEEK_API_KEY, "/beta/chat/completions")).status).toBe(200);
    expect((await post({ model: "deepseek-chat", messages: user("Hi"), tools: [strictTool] })).status).toBe(200);
  });

  test("a wrong key is DeepSeek's 401", async () => {
    const response = await post({ model: "deepseek-chat", messages: user("Hi") }, "sk-wrong-1234");
    expect(response).toMatchObject({ status: 401, json: { error: { message: "Authentication Fails, Your api key: ****1234 is invalid", type: "authentication_error" } } });
  });
});

describe("deepseek fake: round trip through the deepseek adapter", () => {
  test("reasoner non-stream: reasoning and reasoning tokens reach the normalized result", async () => {
    const { result } = await roundTrip({ messages: user("Hi") }, "deepseek-reasoner");
    expect(result).toMatchObject({ ok: true, value: { choices: [{ text: FAKE_TEXT, reasoning: FAKE_REASONING, finishReason: "stop" }], usage: { inputTokens: 21, outputTokens: 19, reasoningTokens: 12 } } });
  });

  test("reasoner stream: reasoning deltas, then text, then usage", async () => {
    const { events } = await roundTrip({ messages: user("Hi [[fake:cached]]"), stream: true }, "deepseek-reasoner");
    expect(joined(events, "reasoning-delta")).toBe(FAKE_REASONING);
    expect(joined(events, "text-delta")).toBe(FAKE_TEXT);
    expect(events?.at(-1)).toEqual({ type: "finish", finishReasons: ["stop"], usage: { inputTokens: 21, outputTokens: 19, cachedInputTokens: 8, reasoningTokens: 12 } });
  });

  test("tool call stream", async () => {
    const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: {} } } }];
    const { events } = await roundTrip({ messages: user("Weather? [[fake:tool]]"), tools, stream: true });
    const argumentsText = (events ?? []).map((event) => (event.type === "tool-call-delta" ? event.argumentsDelta : "")).join("");
    expect(argumentsText).toBe(FAKE_TOOL_ARGUMENTS);
    expect(events?.at(-1)).toMatchObject({ type: "finish", finishReasons: ["tool_calls"] });
  });

  test("earlier reasoning_content is omitted by the adapter (with a warning), so the reasoner accepts the history", async () => {
    const messages = [...user("Hi"), { role: "assistant", content: "Hello", reasoning_content: "thought" }, ...user("Again")];
    const upstream = deepseek.buildRequest(chatRequestSchema.parse({ model: "ds", messages }), { ...target, upstreamModel: "deepseek-reasoner" });
    expect(upstream.warnings.map((warning) => warning.param)).toContain("reasoning_content");
    const { status } = await roundTrip({ messages }, "deepseek-reasoner");
    expect(status).toBe(200);
  });

  const jsonSchema = { type: "json_schema", json_schema: { name: "answer", strict: true, schema: answerSchema } };

  test.each([false, true])("json_schema as a forced tool (stream: %s): the call's arguments come back as the text, finish stop", async (stream) => {
    const answer = await roundTrip({ messages: user("Answer in JSON."), response_format: jsonSchema, stream });
    const received = fake.received.at(-1)!.body as Json;
    expect(received.tool_choice).toEqual({ type: "function", function: { name: FORCED_TOOL_NAME } });
    expect(received.tools).toEqual([{ type: "function", function: { name: FORCED_TOOL_NAME, description: "Give the final answer as this function's arguments.", parameters: answerSchema } }]);
    expect(received).not.toHaveProperty("response_format");
    if (stream) {
      expect(joined(answer.events, "text-delta")).toBe(FAKE_TEXT);
      expect(answer.events?.some((event) => event.type === "tool-call-delta")).toBe(false);
      expect(answer.events?.at(-1)).toEqual({ type: "finish", finishReasons: ["stop"], usage: { inputTokens: 21, outputTokens: 7, cachedInputTokens: 0 } });
    } else {
      expect(answer.result).toEqual({ ok: true, value: { choices: [{ index: 0, text: FAKE_TEXT, finishReason: "stop" }], usage: { inputTokens: 21, outputTokens: 7, cachedInputTokens: 0 }, upstreamId: expect.any(String) } });
    }
  });

  test("json_schema on the /beta base URL sends strict, and the fake accepts the closed schema", async () => {
    const { status, result } = await roundTrip({ messages: user("Answer in JSON."), response_format: jsonSchema }, "deepseek-chat", "/beta");
    expect(status).toBe(200);
    expect(fake.received.at(-1)).toMatchObject({ path: "/beta/chat/completions", body: { tools: [{ function: { name: FORCED_TOOL_NAME, strict: true } }] } });
    expect(result).toMatchObject({ ok: true, value: { choices: [{ text: FAKE_TEXT, finishReason: "stop" }] } });
  });

  test("a stream cut inside the forced call's arguments is an error, not an answer", async () => {
    const { events } = await roundTrip({ messages: user("Answer in JSON. [[fake:cut]]"), response_format: jsonSchema, stream: true });
    expect(joined(events, "text-delta")).toBe("Hello from");
    expect(events?.at(-1)).toEqual({ type: "error", error: { kind: "stream_cut", provider: "deepseek" } });
  });

  test.each([402, 429, 503])("scenario error:%s → an upstream error", async (status) => {
    const { error } = await roundTrip({ messages: user(`Hi [[fake:error:${status}]]`) });
    expect(error).toMatchObject({ kind: "upstream", provider: "deepseek", status });
  });
});

describe("deepseek fake: through the gateway", () => {
  const key = makeKey();
  let gateway: Awaited<ReturnType<typeof startTestGateway>>;
  beforeAll(async () => {
    gateway = await startTestGateway({ keys: [key.entry], models: [makeModel("ds-chat", "deepseek", fake.url, FAKE_DEEPSEEK_API_KEY, "deepseek-chat")] });
  });
  afterAll(() => gateway.close());

  const jsonSchema = { type: "json_schema", json_schema: { name: "answer", schema: answerSchema } };
  test.each([
    {
      name: "json_schema with tools",
      fields: { response_format: jsonSchema, tools: [weatherTool] },
      error: {
        param: "response_format",
        message: "response_format json_schema cannot be combined with tools or tool_choice on this provider: it has no native json_schema, and the gateway sends the schema as a forced tool call.",
      },
    },
    {
      name: "a caller tool with the reserved name",
      fields: { tools: [{ type: "function", function: { name: FORCED_TOOL_NAME } }] },
      error: { param: "tools", message: `The tool name ${FORCED_TOOL_NAME} is reserved by the gateway for structured output on this provider.` },
    },
  ])("$name: a 400 in OpenAI's error shape, and nothing reaches DeepSeek", async ({ fields, error }) => {
    const before = fake.received.length;
    const response = await postJson(`${gateway.url}/v1/chat/completions`, key.token, { model: "ds-chat", messages: user("Answer in JSON."), ...fields });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { ...error, type: "invalid_request_error", code: "invalid_value" } });
    expect(fake.received.length).toBe(before);
  });
});
