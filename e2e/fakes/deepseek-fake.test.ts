import { request } from "undici";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import { sseDecoder } from "@/server/gateway/sse";
import type { StreamEvent, Target } from "@/server/gateway/types";
import { deepseek } from "@/server/providers/compatible";
import { collect } from "@/server/providers/test-utils";
import { FAKE_REASONING, FAKE_TEXT, FAKE_USAGE, type FakeUpstream } from "./common";
import { FAKE_DEEPSEEK_API_KEY, REASONING_CONTENT_IN_INPUT, startFakeDeepSeek } from "./deepseek-fake";
import { FAKE_TOOL_ARGUMENTS } from "./openai-fake";

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
async function roundTrip(fields: Record<string, unknown>, upstreamModel = "deepseek-chat") {
  const upstream = deepseek.buildRequest(chatRequestSchema.parse({ model: "ds", ...fields }), { ...target, upstreamModel });
  const response = await request(upstream.url, { method: "POST", headers: upstream.headers, body: upstream.body });
  if (response.statusCode !== 200) return { status: response.statusCode, error: deepseek.parseError(response.statusCode, await response.body.text(), new Headers()) };
  if (fields.stream !== true) return { status: 200, result: deepseek.parseResponse(await response.body.json()) };
  const bytes = new ReadableStream<Uint8Array>({
    async start(controller) {
      for await (const chunk of response.body) controller.enqueue(new Uint8Array(chunk as Buffer));
      controller.close();
    },
  });
  const events: StreamEvent[] = await collect(bytes.pipeThrough(sseDecoder()).pipeThrough(deepseek.parseStream()));
  return { status: 200, events };
}

const joined = (events: StreamEvent[] | undefined, type: "text-delta" | "reasoning-delta") => (events ?? []).map((event) => (event.type === type ? event.text : "")).join("");

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

  test.each([402, 429, 503])("scenario error:%s → an upstream error", async (status) => {
    const { error } = await roundTrip({ messages: user(`Hi [[fake:error:${status}]]`) });
    expect(error).toMatchObject({ kind: "upstream", provider: "deepseek", status });
  });
});
