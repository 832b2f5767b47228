import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { request } from "undici";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import { sseDecoder } from "@/server/gateway/sse";
import type { StreamEvent, Target } from "@/server/gateway/types";
import { anthropic } from "@/server/providers/anthropic";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic, THINKING_SIGNATURE } from "./anthropic-fake";
import { FAKE_REASONING, FAKE_TEXT, FAKE_TEXT_DELTAS, type FakeUpstream } from "./common";

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeAnthropic(0);
});
afterAll(async () => {
  await fake.close();
});

const headers = { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-api-key": FAKE_ANTHROPIC_API_KEY };
const validBody = { model: "claude-sonnet-4-5", max_tokens: 256, messages: [{ role: "user", content: "Hi" }] };

async function post(body: unknown, requestHeaders: Record<string, string> = headers, path = "/v1/messages") {
  const response = await request(`${fake.url}${path}`, { method: "POST", headers: requestHeaders, body: JSON.stringify(body) });
  return { status: response.statusCode, headers: response.headers, body: (await response.body.json()) as Record<string, unknown> };
}

function target(): Target {
  return { provider: "anthropic", connectionId: "conn_fake", baseUrl: `${fake.url}/v1`, apiKey: FAKE_ANTHROPIC_API_KEY, upstreamModel: "claude-sonnet-4-5", modelName: "claude" };
}

function chat(fields: Record<string, unknown>) {
  return chatRequestSchema.parse({ model: "claude", messages: [{ role: "user", content: "Hi" }], ...fields });
}

/** adapter.buildRequest → fake → sseDecoder → adapter.parseStream, feeding whatever bytes arrived (as the gateway does). */
async function roundTripStream(fields: Record<string, unknown>): Promise<StreamEvent[]> {
  const upstream = anthropic.buildRequest(chat({ ...fields, stream: true }), target());
  const response = await request(upstream.url, { method: "POST", headers: upstream.headers, body: upstream.body });
  expect(response.statusCode).toBe(200);
  const iterator = response.body[Symbol.asyncIterator]();
  const bytes = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(new Uint8Array(value));
      } catch {
        controller.close(); // socket cut: the parser's flush decides what that means
      }
    },
  });
  const events: StreamEvent[] = [];
  for await (const event of bytes.pipeThrough(sseDecoder()).pipeThrough(anthropic.parseStream()) as unknown as AsyncIterable<StreamEvent>) events.push(event);
  return events;
}

describe("anthropic fake: direct requests", () => {
  test("a valid non-stream request gets the fixed answer", async () => {
    const response = await post(validBody);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      type: "message",
      role: "assistant",
      content: [{ type: "text", text: FAKE_TEXT }],
      stop_reason: "end_turn",
      usage: { input_tokens: 21, cache_read_input_tokens: 0, output_tokens: 7 },
    });
  });

  const withoutKey = { "content-type": "application/json", "anthropic-version": "2023-06-01" };
  test.each([
    ["missing x-api-key", validBody, withoutKey, 401, "authentication_error", "x-api-key header is required"],
    ["an OpenAI bearer token", validBody, { ...withoutKey, authorization: `Bearer ${FAKE_ANTHROPIC_API_KEY}` }, 401, "authentication_error", "x-api-key header is required"],
    ["a wrong key", validBody, { ...withoutKey, "x-api-key": "vk_not_anthropic" }, 401, "authentication_error", "invalid x-api-key"],
    ["missing anthropic-version", validBody, { "content-type": "application/json", "x-api-key": FAKE_ANTHROPIC_API_KEY }, 400, "invalid_request_error", "anthropic-version: header is required"],
    ["missing max_tokens", { model: "claude", messages: [{ role: "user", content: "Hi" }] }, headers, 400, "invalid_request_error", "max_tokens: Invalid input: expected number, received undefined"],
    ["an OpenAI-only field", { ...validBody, n: 1 }, headers, 400, "invalid_request_error", "n: Extra inputs are not permitted"],
    ["a system role message", { ...validBody, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] }, headers, 400, "invalid_request_error", undefined],
    ["temperature above 1", { ...validBody, temperature: 1.5 }, headers, 400, "invalid_request_error", undefined],
    ["consecutive user turns", { ...validBody, messages: [{ role: "user", content: "Hi" }, { role: "user", content: "Again" }] }, headers, 400, "invalid_request_error", 'messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row'],
    [
      "a tool_result without its tool_use",
      { ...validBody, messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "18C" }] }] },
      headers,
      400,
      "invalid_request_error",
      "messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_1. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
    ],
    ["a thinking budget above max_tokens", { ...validBody, thinking: { type: "enabled", budget_tokens: 1024 } }, headers, 400, "invalid_request_error", "max_tokens: must be greater than thinking.budget_tokens"],
  ])("rejects %s", async (_name, body, requestHeaders, status, type, message) => {
    const response = await post(body, requestHeaders as Record<string, string>);
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ type: "error", error: { type, ...(message ? { message } : {}) } });
    expect(response.body.request_id).toMatch(/^req_/);
  });

  test("an unknown path is the provider's 404", async () => {
    const response = await post(validBody, headers, "/v1/chat/completions");
    expect(response).toMatchObject({ status: 404, body: { type: "error", error: { type: "not_found_error", message: "Not Found" } } });
  });

  test.each([
    [429, "rate_limit_error", 1000],
    [500, "api_error", undefined],
    [529, "overloaded_error", undefined],
  ])("[[fake:error:%i]] answers the documented error body", async (status, type, retryAfterMs) => {
    const response = await request(`${fake.url}/v1/messages`, {
      method: "POST",
      headers,
      body: JSON.stringify({ ...validBody, messages: [{ role: "user", content: `Hi [[fake:error:${status}]]` }] }),
    });
    expect(response.statusCode).toBe(status);
    const text = await response.body.text();
    const error = anthropic.parseError(status, text, new Headers(response.headers as Record<string, string>));
    expect(error).toMatchObject({ kind: "upstream", provider: "anthropic", status, type });
    expect((error as { retryAfterMs?: number }).retryAfterMs).toBe(retryAfterMs);
  });
});

describe("anthropic fake: adapter round trip", () => {
  test("text stream", async () => {
    const events = await roundTripStream({ stream_options: { include_usage: true } });
    expect(events).toEqual([
      ...FAKE_TEXT_DELTAS.map((text) => ({ type: "text-delta", text })),
      { type: "finish", finishReasons: ["stop"], usage: { inputTokens: 21, outputTokens: 7 } },
    ]);
  });

  test("cached usage", async () => {
    const events = await roundTripStream({ messages: [{ role: "user", content: "Hi [[fake:cached]]" }] });
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["stop"], usage: { inputTokens: 21, cachedInputTokens: 8, outputTokens: 7 } });
  });

  test("no usage", async () => {
    const events = await roundTripStream({ messages: [{ role: "user", content: "Hi [[fake:nousage]]" }] });
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["stop"] });
  });

  test("tool call stream", async () => {
    const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } }];
    const events = await roundTripStream({ tools, tool_choice: "required", messages: [{ role: "user", content: "Weather? [[fake:tool]]" }] });
    const deltas = events.filter((event): event is Extract<StreamEvent, { type: "tool-call-delta" }> => event.type === "tool-call-delta");
    expect(deltas[0]).toMatchObject({ toolIndex: 0, name: "get_weather" });
    expect(deltas.every((delta) => delta.toolIndex === 0)).toBe(true);
    expect(JSON.parse(deltas.map((delta) => delta.argumentsDelta).join(""))).toEqual({ city: "Paris" });
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["tool_calls"], usage: { inputTokens: 21, outputTokens: 7 } });
  });

  test("a cut stream ends with stream_cut and no finish", async () => {
    const events = await roundTripStream({ messages: [{ role: "user", content: "Hi [[fake:cut]]" }] });
    expect(events).toEqual([
      { type: "text-delta", text: FAKE_TEXT_DELTAS[0] },
      { type: "text-delta", text: FAKE_TEXT_DELTAS[1] },
      // The cut carries message_start's usage: the input the provider counted before it stopped.
      { type: "error", error: { kind: "stream_cut", provider: "anthropic" }, usage: expect.objectContaining({ inputTokens: expect.any(Number) }) },
    ]);
  });

  test("a translated multi-turn tool conversation with every parameter passes the fake's validation", async () => {
    const chatRequest = chat({
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: "Use metric units." },
        { role: "user", content: [{ type: "text", text: "Weather?" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }] },
        { role: "assistant", content: "", tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
        { role: "tool", tool_call_id: "call_1", content: "18C" },
        { role: "user", content: "Thanks. And in Rome?" },
      ],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
      tool_choice: "auto",
      parallel_tool_calls: false,
      temperature: 1.4,
      top_p: 0.9,
      stop: ["END"],
      max_completion_tokens: 300,
      user: "user-1",
      seed: 3,
      response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object", properties: { text: { type: "string" } } } } },
    });
    const upstream = anthropic.buildRequest(chatRequest, target());
    const response = await request(upstream.url, { method: "POST", headers: upstream.headers, body: upstream.body });
    const body = await response.body.json();
    expect(response.statusCode).toBe(200);
    expect(anthropic.parseResponse(body)).toMatchObject({ ok: true, value: { choices: [{ text: FAKE_TEXT, finishReason: "stop" }], usage: { inputTokens: 21, outputTokens: 7 } } });
  });

  test("reasoning_effort translates into a thinking config the fake accepts, and the thinking comes back as reasoning", async () => {
    const upstream = anthropic.buildRequest(chat({ reasoning_effort: "high", temperature: 0.3, max_tokens: 1000 }), target());
    const response = await request(upstream.url, { method: "POST", headers: upstream.headers, body: upstream.body });
    expect(response.statusCode).toBe(200);
    expect(anthropic.parseResponse(await response.body.json())).toMatchObject({ ok: true, value: { choices: [{ text: FAKE_TEXT, reasoning: FAKE_REASONING, finishReason: "stop" }] } });
  });

  test("a thinking stream: thinking block with thinking_delta and signature_delta, then the text block", async () => {
    const response = await request(`${fake.url}/v1/messages`, { method: "POST", headers, body: JSON.stringify({ ...validBody, max_tokens: 2048, stream: true, thinking: { type: "enabled", budget_tokens: 1024 } }) });
    const events = (await response.body.text()).split("\n").filter((line) => line.startsWith("data: ")).map((line) => JSON.parse(line.slice(6)));
    expect(events[1]).toEqual({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } });
    const thinking = events.filter((event) => event.delta?.type === "thinking_delta").map((event) => event.delta.thinking).join("");
    expect(thinking).toBe(FAKE_REASONING);
    expect(events.find((event) => event.delta?.type === "signature_delta")).toMatchObject({ index: 0, delta: { signature: expect.any(String) } });
    expect(events.find((event) => event.type === "content_block_start" && event.index === 1)).toMatchObject({ content_block: { type: "text" } });
    const parsed = await roundTripStream({ reasoning_effort: "low", max_tokens: 2048 });
    expect(parsed.filter((event) => event.type === "reasoning-delta").map((event) => (event as { text: string }).text).join("")).toBe(FAKE_REASONING);
  });

  test("a non-stream thinking answer starts with a signed thinking block; budget_tokens must be >= 1024 and < max_tokens", async () => {
    const answer = await post({ ...validBody, max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 1024 } });
    expect((answer.body.content as unknown[])[0]).toEqual({ type: "thinking", thinking: FAKE_REASONING, signature: expect.stringMatching(/^\S+$/) });
    expect((answer.body.content as { type: string }[])[1].type).toBe("text");
    expect((await post({ ...validBody, max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 512 } })).status).toBe(400);
    const tooSmall = await post({ ...validBody, max_tokens: 1024, thinking: { type: "enabled", budget_tokens: 1024 } });
    expect(tooSmall).toMatchObject({ status: 400, body: { error: { message: "max_tokens: must be greater than thinking.budget_tokens" } } });
    const plain = await post(validBody);
    expect((plain.body.content as { type: string }[]).map((block) => block.type)).toEqual(["text"]);
  });

  test("a thinking block sent back must be one the fake issued, unmodified", async () => {
    const tools = [{ name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }];
    const loop = (thinking: Record<string, unknown>) => ({
      ...validBody,
      max_tokens: 2048,
      thinking: { type: "enabled", budget_tokens: 1024 },
      tools,
      messages: [
        { role: "user", content: "Weather?" },
        { role: "assistant", content: [{ type: "thinking", ...thinking }, { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "Sunny" }] },
      ],
    });
    expect((await post(loop({ thinking: FAKE_REASONING, signature: THINKING_SIGNATURE }))).status).toBe(200);
    expect((await post(loop({ thinking: "", signature: THINKING_SIGNATURE }))).status).toBe(200);
    for (const forged of [{ thinking: FAKE_REASONING, signature: "forged" }, { thinking: "edited", signature: THINKING_SIGNATURE }]) {
      expect(await post(loop(forged))).toMatchObject({ status: 400, body: { error: { type: "invalid_request_error", message: "messages.1.content.0: Invalid `signature` in `thinking` block" } } });
    }
  });

  test.each([["stall"], ["slow"]])("[[fake:%s]] keeps the stream open until the client leaves", async (scenario) => {
    const controller = new AbortController();
    const upstream = anthropic.buildRequest(chat({ stream: true, messages: [{ role: "user", content: `Hi [[fake:${scenario}]]` }] }), target());
    const response = await request(upstream.url, { method: "POST", headers: upstream.headers, body: upstream.body, signal: controller.signal });
    const first = await response.body[Symbol.asyncIterator]().next();
    expect(Buffer.from(first.value).toString("utf8")).toContain("event: message_start");
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const recorded = fake.received.find((entry) => JSON.stringify(entry.body).includes(`[[fake:${scenario}]]`));
    expect(recorded?.outcome).toBe("client_closed");
  });
});

describe("fake anthropic: anthropic-beta", () => {
  test("known beta names are accepted and recorded as sent", async () => {
    const sent = "interleaved-thinking-2025-05-14, context-1m-2025-08-07";
    expect((await post(validBody, { ...headers, "anthropic-beta": sent })).status).toBe(200);
    expect(fake.received.at(-1)!.headers["anthropic-beta"]).toBe(sent);
  });

  test("an unknown name is a 400 invalid_request_error naming it", async () => {
    const answer = await post(validBody, { ...headers, "anthropic-beta": "interleaved-thinking-2025-05-14,no-such-beta-2099-01-01" });
    expect(answer).toMatchObject({ status: 400, body: { type: "error", error: { type: "invalid_request_error", message: "Unsupported beta header: no-such-beta-2099-01-01" } } });
  });

  test("the adapter's header from anthropic_beta is accepted", async () => {
    const upstream = anthropic.buildRequest(chat({ anthropic_beta: ["fine-grained-tool-streaming-2025-05-14"] }), target());
    const response = await request(upstream.url, { method: "POST", headers: upstream.headers, body: upstream.body });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
    expect(fake.received.at(-1)!.headers["anthropic-beta"]).toBe("fine-grained-tool-streaming-2025-05-14");
  });
});
