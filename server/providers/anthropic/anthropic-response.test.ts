import { describe, expect, test } from "vitest";
import type { SseEvent, StreamEvent } from "@/server/gateway/types";
import { collect, fixtureSse, readFixture } from "../test-utils";
import { anthropic } from "./index";

function streamOf(events: SseEvent[]): ReadableStream<SseEvent> {
  return new ReadableStream({
    start(controller) {
      for (const event of events) controller.enqueue(event);
      controller.close();
    },
  });
}

const parse = (stream: ReadableStream<SseEvent>) => collect(stream.pipeThrough(anthropic.parseStream()));

describe("anthropic: parseResponse", () => {
  test("plain text", () => {
    expect(anthropic.parseResponse(JSON.parse(readFixture("anthropic-text.json")))).toEqual({
      ok: true,
      value: {
        choices: [{ index: 0, text: "Hi! My name is Claude.", finishReason: "stop" }],
        usage: { inputTokens: 2095, outputTokens: 503 },
        upstreamId: "msg_013Zva2CMHLNnXjNJJKqJ2EF",
      },
    });
  });

  test("tool call with thinking and cached tokens", () => {
    expect(anthropic.parseResponse(JSON.parse(readFixture("anthropic-tool-call.json")))).toEqual({
      ok: true,
      value: {
        choices: [
          {
            index: 0,
            text: "I'll check the current weather in San Francisco for you.",
            reasoning: "The user wants the weather; I should call get_weather.",
            reasoningSignature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
            toolCalls: [{ id: "toolu_01A09q90qw90lq917835lq9", name: "get_weather", arguments: '{"location":"San Francisco, CA","unit":"celsius"}' }],
            finishReason: "tool_calls",
          },
        ],
        usage: { inputTokens: 2412, cachedInputTokens: 800, cacheWriteTokens: 1500, outputTokens: 96, reasoningTokens: 40 },
        upstreamId: "msg_01Aq9w938a90dw8q",
      },
    });
  });

  test.each([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["pause_turn", "stop"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["tool_use", "tool_calls"],
    ["refusal", "content_filter"],
  ])("stop_reason %s → %s", (stopReason, finishReason) => {
    const result = anthropic.parseResponse({ content: [], stop_reason: stopReason, usage: { input_tokens: 1, output_tokens: 1 } });
    expect(result).toMatchObject({ ok: true, value: { choices: [{ text: null, finishReason }] } });
  });

  test.each([[null], ["oops"], [{ content: "text" }], [{ content: [{ type: "tool_use", input: {} }] }]])("malformed body %j", (body) => {
    expect(anthropic.parseResponse(body)).toEqual({ ok: false, error: { kind: "upstream", provider: "anthropic", status: 502, message: "malformed response" } });
  });
});

describe("anthropic: 1-hour cache writes (usage.cache_creation)", () => {
  const message = (usage: Record<string, unknown>) => ({ id: "msg_1", content: [{ type: "text", text: "ok" }], stop_reason: "end_turn", usage });

  test.each([
    ["the split: 1h part recorded", { input_tokens: 10, cache_creation_input_tokens: 3000, cache_read_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 }, output_tokens: 5 }, { inputTokens: 3010, cacheWriteTokens: 3000, cacheWrite1hTokens: 2000, outputTokens: 5 }],
    ["only 5m writes", { input_tokens: 10, cache_creation_input_tokens: 1500, cache_creation: { ephemeral_5m_input_tokens: 1500, ephemeral_1h_input_tokens: 0 }, output_tokens: 5 }, { inputTokens: 1510, cacheWriteTokens: 1500, outputTokens: 5 }],
    ["no split reported (older API versions): every write as 5m", { input_tokens: 10, cache_creation_input_tokens: 1500, output_tokens: 5 }, { inputTokens: 1510, cacheWriteTokens: 1500, outputTokens: 5 }],
    ["a 1h count above the writes is capped", { input_tokens: 0, cache_creation_input_tokens: 100, cache_creation: { ephemeral_1h_input_tokens: 900 }, output_tokens: 1 }, { inputTokens: 100, cacheWriteTokens: 100, cacheWrite1hTokens: 100, outputTokens: 1 }],
  ])("%s", (_label, usage, expected) => {
    const parsed = anthropic.parseResponse(message(usage));
    expect(parsed.ok && parsed.value.usage).toEqual(expected);
  });

  test("stream: message_start's split reaches the finish event", async () => {
    const events = await parse(
      streamOf([
        { event: "message_start", data: JSON.stringify({ type: "message_start", message: { id: "msg_1", usage: { input_tokens: 10, cache_creation_input_tokens: 3000, cache_read_input_tokens: 0, cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 }, output_tokens: 1 } } }) },
        { event: "content_block_start", data: JSON.stringify({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }) },
        { event: "content_block_delta", data: JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "ok" } }) },
        { event: "content_block_stop", data: JSON.stringify({ type: "content_block_stop", index: 0 }) },
        { event: "message_delta", data: JSON.stringify({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 7 } }) },
        { event: "message_stop", data: JSON.stringify({ type: "message_stop" }) },
      ]),
    );
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["stop"], usage: { inputTokens: 3010, cacheWriteTokens: 3000, cacheWrite1hTokens: 2000, outputTokens: 7 } });
  });
});

describe("anthropic: parseStream", () => {
  test("text stream", async () => {
    expect(await parse(fixtureSse("anthropic-text"))).toEqual([
      { type: "text-delta", text: "Hello" },
      { type: "text-delta", text: "! How can I help you today?" },
      { type: "finish", finishReasons: ["stop"], usage: { inputTokens: 25, outputTokens: 15 } },
    ]);
  });

  test("usage in the last chunk includes cached and cache-write tokens", async () => {
    const events = await parse(fixtureSse("anthropic-cached-usage"));
    expect(events.at(-1)).toEqual({
      type: "finish",
      finishReasons: ["length"],
      usage: { inputTokens: 412, cachedInputTokens: 300, cacheWriteTokens: 100, outputTokens: 42 },
    });
  });

  test("tool call stream: indices, ids on first delta, arguments reassembled", async () => {
    const events = await parse(fixtureSse("anthropic-tool-call"));
    const toolDeltas = events.filter((event): event is Extract<StreamEvent, { type: "tool-call-delta" }> => event.type === "tool-call-delta");
    expect(toolDeltas.filter((delta) => delta.id !== undefined)).toEqual([
      { type: "tool-call-delta", toolIndex: 0, id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather", argumentsDelta: "" },
      { type: "tool-call-delta", toolIndex: 1, id: "toolu_01Dx3nU9H2QYc8cQ9Yx2mZ7e", name: "get_weather", argumentsDelta: "" },
    ]);
    const argumentsByTool = (index: number) => toolDeltas.filter((delta) => delta.toolIndex === index).map((delta) => delta.argumentsDelta).join("");
    expect(JSON.parse(argumentsByTool(0))).toEqual({ location: "San Francisco, CA" });
    expect(JSON.parse(argumentsByTool(1))).toEqual({ location: "Paris, France" });
    expect(events[0]).toEqual({ type: "text-delta", text: "I'll check the weather in both cities." });
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["tool_calls"], usage: { inputTokens: 412, outputTokens: 89 } });
  });

  test("thinking stream emits reasoning deltas and reasoning tokens", async () => {
    const events = await parse(fixtureSse("anthropic-thinking"));
    expect(events.filter((event) => event.type === "reasoning-delta").map((event) => (event as { text: string }).text).join("")).toBe(
      "I need to find the GCD of 1071 and 462 using the Euclidean algorithm.\n\n1071 = 2 × 462 + 147\n462 = 3 × 147 + 21\n147 = 7 × 21 + 0",
    );
    expect(events.at(-2)).toEqual({ type: "text-delta", text: "The greatest common divisor of 1071 and 462 is **21**." });
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["stop"], usage: { inputTokens: 36, outputTokens: 178, reasoningTokens: 120 } });
  });

  test.each([[200], [900], [1400], [1700]])("a stream cut after %i bytes ends with stream_cut and no finish", async (cutAfterBytes) => {
    const events = await parse(fixtureSse("anthropic-tool-call", { cutAfterBytes }));
    expect(events.at(-1)).toMatchObject({ type: "error", error: { kind: "stream_cut", provider: "anthropic" } });
    // Past message_start the cut carries the usage it reported (input tokens: billed by the provider).
    const last = events.at(-1) as Extract<StreamEvent, { type: "error" }>;
    if (cutAfterBytes >= 900) expect(last.usage?.inputTokens).toBeGreaterThan(0);
    expect(events.some((event) => event.type === "finish")).toBe(false);
  });

  test("an in-stream overloaded error becomes an upstream 529 error, with no finish", async () => {
    const events = await parse(fixtureSse("anthropic-error-event"));
    expect(events).toEqual([
      { type: "text-delta", text: "Once upon" },
      { type: "error", error: { kind: "upstream", provider: "anthropic", status: 529, message: "Overloaded", type: "overloaded_error" }, usage: expect.objectContaining({ inputTokens: expect.any(Number) }) },
    ]);
  });

  test("a malformed chunk becomes an error event, never a throw", async () => {
    const events = await parse(streamOf([{ event: "message_start", data: '{"type":"message_start","message":{}}' }, { event: "content_block_delta", data: "{not json" }]));
    expect(events).toEqual([{ type: "error", error: { kind: "upstream", provider: "anthropic", status: 502, message: "malformed stream event" } }]);
  });

  test("a known event with the wrong shape becomes an error event", async () => {
    const events = await parse(streamOf([{ event: "content_block_delta", data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta"}}' }]));
    expect(events).toEqual([{ type: "error", error: { kind: "upstream", provider: "anthropic", status: 502, message: "malformed content_block_delta event" } }]);
  });

  test("unknown event and delta types are ignored", async () => {
    const events = await parse(
      streamOf([
        { event: "message_start", data: '{"type":"message_start","message":{"usage":{"input_tokens":3,"output_tokens":1}}}' },
        { event: "future_event", data: '{"type":"future_event","foo":1}' },
        { event: "content_block_delta", data: '{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{}}}' },
        { event: "message_delta", data: '{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":2}}' },
        { event: "message_stop", data: '{"type":"message_stop"}' },
      ]),
    );
    expect(events).toEqual([{ type: "finish", finishReasons: ["stop"], usage: { inputTokens: 3, outputTokens: 2 } }]);
  });
});

describe("anthropic: parseError", () => {
  const headers = (entries: Record<string, string> = {}) => new Headers(entries);

  test.each([
    ["anthropic-invalid-request.json", 400, {}, {
      status: 400,
      type: "invalid_request_error",
      message: 'messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row',
    }],
    ["anthropic-authentication.json", 401, {}, { status: 401, type: "authentication_error", message: "invalid x-api-key" }],
    ["anthropic-permission.json", 403, {}, { status: 403, type: "permission_error", message: "Your API key does not have permission to use the specified resource." }],
    ["anthropic-not-found.json", 404, {}, { status: 404, type: "not_found_error", message: "model: claude-sonnet-9-unknown" }],
    ["anthropic-request-too-large.json", 413, {}, { status: 413, type: "request_too_large", message: "Request exceeds the maximum allowed number of bytes." }],
    ["anthropic-rate-limit.json", 429, { "retry-after": "30" }, {
      status: 429,
      type: "rate_limit_error",
      retryAfterMs: 30000,
      message: "This request would exceed the rate limit for your organization of 50,000 input tokens per minute. For details, refer to: [url] You can see the response headers for current usage.",
    }],
    ["anthropic-api-error.json", 500, {}, { status: 500, type: "api_error", message: "Internal server error" }],
    ["anthropic-overloaded.json", 529, { "retry-after": "2" }, { status: 529, type: "overloaded_error", message: "Overloaded", retryAfterMs: 2000 }],
  ])("%s (HTTP %i)", (fixture, status, headerEntries, expected) => {
    expect(anthropic.parseError(status, readFixture(fixture), headers(headerEntries))).toEqual({ kind: "upstream", provider: "anthropic", ...expected });
  });

  test.each([
    [413, "<html><head><title>413 Request Entity Too Large</title></head><body><center>cloudflare</center></body></html>", "Anthropic answered HTTP 413 without a readable error message."],
    [502, "upstream connect error", "upstream connect error"],
    [503, "", "Anthropic answered HTTP 503 without a readable error message."],
    [500, '{"type":"error","error":{"type":"api_error","message":""}}', "Anthropic answered HTTP 500 without a readable error message."],
  ])("non-JSON or empty body (HTTP %i)", (status, body, message) => {
    expect(anthropic.parseError(status, body, headers())).toEqual({ kind: "upstream", provider: "anthropic", status, message, ...(body.startsWith("{") ? { type: "api_error" } : {}) });
  });

  test("spend-limit details become the code", () => {
    const body = '{"type":"error","error":{"type":"rate_limit_error","message":"Spend limit reached.","details":{"error_code":"enforced_spend_limit_reached"}}}';
    expect(anthropic.parseError(429, body, headers())).toEqual({
      kind: "upstream",
      provider: "anthropic",
      status: 429,
      type: "rate_limit_error",
      code: "enforced_spend_limit_reached",
      message: "Spend limit reached.",
    });
  });
});
