import { describe, expect, test } from "vitest";
import type { OutboundFrame } from "../../contract";
import type { ChatResult, GatewayError, StreamEvent, Usage } from "../../types";
import { anthropicInbound } from "./index";
import { toAnthropicError } from "./errors";
import { messagesRequestSchema, toChatRequest } from "./request";
import { toAnthropicMessage, toAnthropicUsage, toStopReason } from "./response";
import { MessagesStreamEncoder } from "./stream";

const base = { model: "claude", max_tokens: 100 };
const translate = (fields: Record<string, unknown>) => toChatRequest(messagesRequestSchema.parse({ ...base, ...fields }));
const hi = [{ role: "user", content: "Hi" }];

describe("request: Messages → ChatRequest", () => {
  test.each([
    ["string system and user text", { system: "Be brief.", messages: hi }, { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] }],
    [
      "system blocks",
      { system: [{ type: "text", text: "A" }, { type: "text", text: "B" }], messages: hi },
      { messages: [{ role: "system", content: [{ type: "text", text: "A" }, { type: "text", text: "B" }] }, { role: "user", content: "Hi" }] },
    ],
    [
      "cache_control on system text, user text and tools is kept for Claude upstreams",
      {
        system: [{ type: "text", text: "Rules", cache_control: { type: "ephemeral", ttl: "1h" } }],
        messages: [{ role: "user", content: [{ type: "text", text: "Doc", cache_control: { type: "ephemeral" } }] }],
        tools: [{ name: "lookup", input_schema: { type: "object" }, cache_control: { type: "ephemeral" } }],
      },
      {
        messages: [
          { role: "system", content: [{ type: "text", text: "Rules", cache_control: { type: "ephemeral", ttl: "1h" } }] },
          { role: "user", content: [{ type: "text", text: "Doc", cache_control: { type: "ephemeral" } }] },
        ],
        tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object" } }, cache_control: { type: "ephemeral" } }],
      },
    ],
    [
      "sampling, stops, user, stream",
      { messages: hi, temperature: 0.2, top_p: 0.9, stop_sequences: ["END"], metadata: { user_id: "u-1" }, stream: true },
      { messages: [{ role: "user", content: "Hi" }], temperature: 0.2, top_p: 0.9, stop: ["END"], user: "u-1", stream: true, stream_options: { include_usage: true } },
    ],
    [
      "images: base64 and url",
      {
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is it?" },
              { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
              { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
            ],
          },
        ],
      },
      {
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is it?" },
              { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
              { type: "image_url", image_url: { url: "https://example.com/a.png" } },
            ],
          },
        ],
      },
    ],
    [
      "tool round trip: tool_use → tool_calls, tool_result → tool message before user text",
      {
        messages: [
          { role: "user", content: "Weather?" },
          { role: "assistant", content: [{ type: "thinking", thinking: "Look it up.", signature: "sig" }, { type: "text", text: "Checking." }, { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "Sunny" }] }, { type: "text", text: "Thanks" }] },
        ],
        tools: [{ name: "get_weather", description: "Weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
        tool_choice: { type: "any", disable_parallel_tool_use: true },
      },
      {
        messages: [
          { role: "user", content: "Weather?" },
          { role: "assistant", content: "Checking.", reasoning_content: "Look it up.", reasoning_signature: "sig", tool_calls: [{ id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
          { role: "tool", tool_call_id: "toolu_1", content: "Sunny" },
          { role: "user", content: [{ type: "text", text: "Thanks" }] },
        ],
        tools: [{ type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
        tool_choice: "required",
        parallel_tool_calls: false,
      },
    ],
  ])("%s", (_name, fields, expected) => {
    const { chatRequest, warnings } = translate(fields);
    expect(chatRequest).toEqual({ model: "claude", max_completion_tokens: 100, ...expected });
    expect(warnings).toEqual([]);
  });

  test.each([
    [{ type: "auto" }, "auto"],
    [{ type: "any" }, "required"],
    [{ type: "none" }, "none"],
    [{ type: "tool", name: "t" }, { type: "function", function: { name: "t" } }],
  ])("tool_choice %j → %j", (toolChoice, expected) => {
    expect(translate({ messages: hi, tools: [{ name: "t", input_schema: { type: "object" } }], tool_choice: toolChoice }).chatRequest.tool_choice).toEqual(expected);
  });

  const answerSchema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
  const answerFormat = { type: "json_schema", json_schema: { name: "response", schema: answerSchema, strict: true } };
  test.each([
    ["output_config.format", { output_config: { format: { type: "json_schema", schema: answerSchema } } }, answerFormat],
    ["deprecated output_format", { output_format: { type: "json_schema", schema: answerSchema } }, answerFormat],
    ["output_config.format null", { output_config: { format: null } }, undefined],
    ["output_config.effort null", { output_config: { effort: null } }, undefined],
  ])("structured output: %s → response_format", (_name, fields, expected) => {
    const { chatRequest, warnings } = translate({ messages: hi, ...fields });
    expect(chatRequest.response_format).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  test.each([
    [1024, "low"],
    [4095, "low"],
    [4096, "medium"],
    [16383, "medium"],
    [16384, "high"],
  ])("thinking budget %i → reasoning_effort %s", (budget, effort) => {
    expect(translate({ messages: hi, thinking: { type: "enabled", budget_tokens: budget } }).chatRequest.reasoning_effort).toBe(effort);
  });

  test.each([
    ["top_k", { top_k: 5 }, [{ code: "unsupported_parameter", param: "top_k", message: "top_k cannot be expressed for every provider; it was ignored." }]],
    [
      "cache_control on blocks other than text and tools, reported once",
      { messages: [{ role: "user", content: [{ type: "image", source: { type: "url", url: "https://example.com/a.png" }, cache_control: { type: "ephemeral" } }, { type: "image", source: { type: "url", url: "https://example.com/b.png" }, cache_control: { type: "ephemeral" } }] }] },
      [{ code: "unsupported_parameter", param: "cache_control", message: "cache_control breakpoints are kept on text blocks and tools only; the others were ignored." }],
    ],
    [
      "server tool",
      { tools: [{ type: "web_search_20250305", name: "web_search" }] },
      [{ code: "unsupported_parameter", param: "tools.web_search", message: "Server tool 'web_search_20250305' is not supported; it was dropped." }],
    ],
    [
      "more than 4 stop sequences",
      { stop_sequences: ["a", "b", "c", "d", "e"] },
      [{ code: "clamped_parameter", param: "stop_sequences", message: "Only the first 4 stop_sequences were kept." }],
    ],
    [
      "output_config.effort",
      { output_config: { effort: "high", format: { type: "json_schema", schema: { type: "object" } } } },
      [{ code: "unsupported_parameter", param: "output_config.effort", message: "output_config.effort cannot be expressed for every provider; it was ignored." }],
    ],
    [
      "unknown output_config field",
      { output_config: { verbosity: "low" } },
      [{ code: "unsupported_parameter", param: "output_config.verbosity", message: "output_config.verbosity cannot be expressed for every provider; it was ignored." }],
    ],
    [
      "output_format next to output_config.format",
      { output_config: { format: { type: "json_schema", schema: { type: "object" } } }, output_format: { type: "json_schema", schema: { type: "array" } } },
      [{ code: "unsupported_parameter", param: "output_format", message: "output_format is superseded by output_config.format; it was ignored." }],
    ],
    ["unknown field", { service_tier: "auto" }, [{ code: "unsupported_parameter", param: "service_tier", message: "service_tier is not supported on /v1/messages; it was ignored." }]],
    [
      "tool_result is_error",
      {
        messages: [
          { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "f", input: {} }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "boom", is_error: true }] },
        ],
      },
      [{ code: "other", param: "is_error", message: "is_error has no equivalent; the tool result was sent prefixed with 'Error: '." }],
    ],
  ])("warning: %s", (_name, fields, warnings) => {
    expect(translate({ messages: hi, ...fields }).warnings).toEqual(warnings);
  });

  test.each([
    ["missing max_tokens", { model: "claude", messages: hi }, "missing_required_parameter", "max_tokens"],
    ["temperature above 1", { ...base, messages: hi, temperature: 1.5 }, "decimal_above_max_value", "temperature"],
    ["bad role", { ...base, messages: [{ role: "system", content: "x" }] }, "invalid_value", "messages[0].role"],
    ["bad block type", { ...base, messages: [{ role: "user", content: [{ type: "video" }] }] }, "invalid_value", "messages[0].content"],
    ["format type text", { ...base, messages: hi, output_config: { format: { type: "text" } } }, "invalid_value", "output_config.format.type"],
    ["format without schema", { ...base, messages: hi, output_format: { type: "json_schema" } }, "missing_required_parameter", "output_format.schema"],
  ])("invalid: %s → %s on %s", (_name, body, code, param) => {
    expect(anthropicInbound.parseRequest(body)).toMatchObject({ ok: false, error: { kind: "invalid_request", code, param } });
  });
});

describe("response: ChatResult → Message", () => {
  test.each([
    ["stop", "end_turn"],
    ["length", "max_tokens"],
    ["tool_calls", "tool_use"],
    ["content_filter", "refusal"],
  ] as const)("finish %s → stop_reason %s", (finish, stop) => {
    expect(toStopReason(finish)).toBe(stop);
  });

  test("usage: input_tokens excludes cache reads and writes", () => {
    expect(toAnthropicUsage({ inputTokens: 100, outputTokens: 7, cachedInputTokens: 30, cacheWriteTokens: 20 })).toEqual({
      input_tokens: 50,
      output_tokens: 7,
      cache_read_input_tokens: 30,
      cache_creation_input_tokens: 20,
    });
  });

  test("usage: the 5m/1h split of cache writes, when 1h writes were reported", () => {
    expect(toAnthropicUsage({ inputTokens: 100, outputTokens: 7, cacheWriteTokens: 60, cacheWrite1hTokens: 45 })).toEqual({
      input_tokens: 40,
      output_tokens: 7,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 60,
      cache_creation: { ephemeral_5m_input_tokens: 15, ephemeral_1h_input_tokens: 45 },
    });
  });

  test("thinking, text and tool_use blocks", () => {
    const result: ChatResult = {
      choices: [{ index: 0, text: "Checking.", reasoning: "Hmm.", toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }], finishReason: "tool_calls" }],
    };
    expect(toAnthropicMessage(result, { id: "msg_1", model: "mini" }, { inputTokens: 21, outputTokens: 7 })).toEqual({
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "mini",
      content: [
        { type: "thinking", thinking: "Hmm.", signature: "" },
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 21, output_tokens: 7, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    });
  });
});

describe("stream: StreamEvent → Messages SSE events", () => {
  const encodeAll = (events: StreamEvent[], usage?: Usage) => {
    const encoder = new MessagesStreamEncoder({ id: "msg_1", model: "mini" });
    return events.flatMap((event) => encoder.encode(event, event.type === "finish" ? usage : undefined));
  };
  const names = (frames: OutboundFrame[]) => frames.map((frame) => (frame.type === "event" ? frame.event : frame.type));

  test("text, then finish with usage", () => {
    const frames = encodeAll([{ type: "text-delta", text: "Hel" }, { type: "text-delta", text: "lo" }, { type: "finish", finishReasons: ["stop"] }], { inputTokens: 21, outputTokens: 7, cachedInputTokens: 8 });
    expect(frames).toEqual([
      {
        type: "event",
        event: "message_start",
        data: { type: "message_start", message: { id: "msg_1", type: "message", role: "assistant", model: "mini", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } } },
      },
      { type: "event", event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } },
      { type: "event", event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hel" } } },
      { type: "event", event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "lo" } } },
      { type: "event", event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
      {
        type: "event",
        event: "message_delta",
        data: { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { input_tokens: 13, output_tokens: 7, cache_read_input_tokens: 8, cache_creation_input_tokens: 0 } },
      },
      { type: "event", event: "message_stop", data: { type: "message_stop" } },
    ]);
  });

  test("thinking, text and two tool calls become four blocks in order", () => {
    const frames = encodeAll([
      { type: "reasoning-delta", text: "Hmm" },
      { type: "text-delta", text: "Checking." },
      { type: "tool-call-delta", toolIndex: 0, id: "call_a", name: "f", argumentsDelta: "" },
      { type: "tool-call-delta", toolIndex: 0, argumentsDelta: '{"x":' },
      { type: "tool-call-delta", toolIndex: 0, argumentsDelta: "1}" },
      { type: "tool-call-delta", toolIndex: 1, id: "call_b", name: "g", argumentsDelta: "{}" },
      { type: "finish", finishReasons: ["tool_calls"], usage: { inputTokens: 5, outputTokens: 3 } },
    ]);
    expect(names(frames)).toEqual([
      "message_start",
      "content_block_start", "content_block_delta", "content_block_stop",
      "content_block_start", "content_block_delta", "content_block_stop",
      "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
      "content_block_start", "content_block_delta", "content_block_stop",
      "message_delta", "message_stop",
    ]);
    const data = frames.map((frame) => (frame.type === "event" ? frame.data : undefined)) as Record<string, unknown>[];
    expect(data[1]).toEqual({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } });
    expect(data[2]).toEqual({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Hmm" } });
    expect(data[7]).toEqual({ type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "call_a", name: "f", input: {} } });
    expect(data[8]).toEqual({ type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '{"x":' } });
    expect(data[11]).toEqual({ type: "content_block_start", index: 3, content_block: { type: "tool_use", id: "call_b", name: "g", input: {} } });
    expect(data[14]).toEqual({ type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { input_tokens: 5, output_tokens: 3, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } });
  });

  test("a cut stream ends with an error event and no message_stop", () => {
    const frames = encodeAll([{ type: "text-delta", text: "Hel" }, { type: "error", error: { kind: "stream_cut", provider: "openai" } }]);
    expect(names(frames)).toEqual(["message_start", "content_block_start", "content_block_delta", "error"]);
    expect(frames.at(-1)).toEqual({ type: "event", event: "error", data: { type: "error", error: { type: "api_error", message: "The openai stream ended before it was complete." } } });
  });
});

describe("errors: GatewayError → Anthropic error shape", () => {
  test.each<[GatewayError, number, string]>([
    [{ kind: "invalid_request", message: "bad" }, 400, "invalid_request_error"],
    [{ kind: "unauthorized" }, 401, "authentication_error"],
    [{ kind: "forbidden", reason: "model" }, 403, "permission_error"],
    [{ kind: "no_route", model: "nope" }, 404, "not_found_error"],
    [{ kind: "payload_too_large", limitBytes: 10 }, 413, "request_too_large"],
    [{ kind: "unsupported_media_type" }, 415, "invalid_request_error"],
    [{ kind: "rate_limited", retryAfterMs: 2000 }, 429, "rate_limit_error"],
    [{ kind: "internal" }, 500, "api_error"],
    [{ kind: "upstream", provider: "anthropic", status: 529, message: "Overloaded" }, 503, "overloaded_error"],
    [{ kind: "upstream", provider: "openai", status: 500, message: "boom" }, 502, "api_error"],
    [{ kind: "timeout", phase: "first_token" }, 504, "timeout_error"],
  ])("%j → %i %s", (error, status, type) => {
    const mapped = toAnthropicError(error);
    expect(mapped.status).toBe(status);
    expect(mapped.body).toEqual({ type: "error", error: { type, message: expect.any(String) } });
  });

  test("the message and Retry-After carry over", () => {
    expect(toAnthropicError({ kind: "no_route", model: "nope" }).body.error.message).toBe("The model `nope` does not exist or you do not have access to it.");
    expect(toAnthropicError({ kind: "rate_limited", retryAfterMs: 2000 }).headers).toEqual({ "retry-after": "2", "retry-after-ms": "2000" });
  });
});
