import { describe, expect, test } from "vitest";
import type { KeyEntry } from "../../config/config-source";
import type { GatewayDeps } from "../../deps";
import type { ChatResult, StreamEvent, Usage } from "../../types";
import type { AnswerMeta, PrepareContext } from "../inbound-format";
import { responsesInbound } from "./index";
import { responsesRequestSchema, toChatRequest } from "./request";
import { toResponse, toResponsesError, toResponsesUsage } from "./response";
import { createMemoryResponseStore } from "./response-store";
import { ResponsesStreamEncoder } from "./stream";

const translate = (fields: Record<string, unknown>) => toChatRequest(responsesRequestSchema.parse({ model: "m", ...fields }));

describe("request: Responses → ChatRequest", () => {
  test.each([
    ["string input and instructions", { input: "Hi", instructions: "Be brief." }, { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }] }],
    [
      "message items with input_text and input_image",
      { input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "What is it?" }, { type: "input_image", image_url: "https://example.com/a.png", detail: "low" }] }] },
      { messages: [{ role: "user", content: [{ type: "text", text: "What is it?" }, { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "low" } }] }] },
    ],
    [
      "function_call round trip: reasoning + text + calls join one assistant message, outputs become tool messages",
      {
        input: [
          { role: "user", content: "Weather?" },
          { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Look it up." }] },
          { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking." }] },
          { type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
          { type: "function_call", call_id: "call_2", name: "get_time", arguments: "{}" },
          { type: "function_call_output", call_id: "call_1", output: "Sunny" },
          { type: "function_call_output", call_id: "call_2", output: [{ type: "input_text", text: "noon" }] },
        ],
      },
      {
        messages: [
          { role: "user", content: "Weather?" },
          {
            role: "assistant",
            content: "Checking.",
            reasoning_content: "Look it up.",
            tool_calls: [
              { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
              { id: "call_2", type: "function", function: { name: "get_time", arguments: "{}" } },
            ],
          },
          { role: "tool", tool_call_id: "call_1", content: "Sunny" },
          { role: "tool", tool_call_id: "call_2", content: "noon" },
        ],
      },
    ],
    [
      "sampling, limits, user, stream, tools and tool_choice",
      {
        input: "Hi",
        temperature: 0.2,
        top_p: 0.9,
        max_output_tokens: 64,
        user: "u-1",
        stream: true,
        parallel_tool_calls: false,
        tools: [{ type: "function", name: "get_weather", description: "Weather", parameters: { type: "object" }, strict: true }],
        tool_choice: { type: "function", name: "get_weather" },
      },
      {
        messages: [{ role: "user", content: "Hi" }],
        temperature: 0.2,
        top_p: 0.9,
        max_completion_tokens: 64,
        user: "u-1",
        stream: true,
        stream_options: { include_usage: true },
        parallel_tool_calls: false,
        tools: [{ type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object" }, strict: true } }],
        tool_choice: { type: "function", function: { name: "get_weather" } },
      },
    ],
    [
      "text.format json_schema and reasoning.effort",
      { input: "Hi", text: { format: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true } }, reasoning: { effort: "low" } },
      { messages: [{ role: "user", content: "Hi" }], response_format: { type: "json_schema", json_schema: { name: "answer", schema: { type: "object" }, strict: true } }, reasoning_effort: "low" },
    ],
    ["text.format json_object", { input: "Hi", text: { format: { type: "json_object" } } }, { messages: [{ role: "user", content: "Hi" }], response_format: { type: "json_object" } }],
  ])("%s", (_name, fields, expected) => {
    const { chatRequest, warnings } = translate(fields);
    expect(chatRequest).toEqual({ model: "m", ...expected });
    expect(warnings).toEqual([]);
  });

  test.each([
    ["a hosted tool", { tools: [{ type: "web_search" }] }, { code: "unsupported_parameter", param: "tools.web_search", message: "Tool type 'web_search' is not supported; it was dropped." }],
    ["an item_reference", { input: [{ type: "item_reference", id: "x" }] }, { code: "unsupported_parameter", param: "input.item_reference", message: "Input items of type 'item_reference' are not supported; the item was dropped." }],
    ["reasoning.effort xhigh", { reasoning: { effort: "xhigh" } }, { code: "clamped_parameter", param: "reasoning.effort", message: "reasoning.effort 'xhigh' was sent as 'high'." }],
    ["reasoning.summary", { reasoning: { summary: "auto" } }, { code: "unsupported_parameter", param: "reasoning", message: "Only reasoning.effort is supported; other reasoning options were ignored." }],
    ["an unknown field", { truncation: "auto" }, { code: "unsupported_parameter", param: "truncation", message: "truncation is not supported on /v1/responses; it was ignored." }],
  ])("%s becomes a warning", (_name, fields, warning) => {
    expect(translate({ input: "Hi", ...fields }).warnings).toEqual([warning]);
  });

  test.each([
    ["no input", { model: "m" }, "Missing required parameter: 'input'.", "input"],
    ["temperature above 2", { model: "m", input: "Hi", temperature: 3 }, "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.", "temperature"],
    ["a function_call without call_id", { model: "m", input: [{ type: "function_call", name: "f", arguments: "{}" }] }, "Invalid value for 'input[0].type': the item lacks fields its type requires.", "input[0].type"],
  ])("%s is a 400", (_name, body, message, param) => {
    const parsed = responsesInbound.parseRequest(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(toResponsesError(parsed.error)).toMatchObject({ status: 400, body: { error: { message, type: "invalid_request_error", param } } });
  });
});

const meta = { id: "resp_abc", model: "m", created: 1700000000, instructions: null, previousResponseId: null, store: true, metadata: {} };
const usage: Usage = { inputTokens: 21, outputTokens: 7, cachedInputTokens: 8, reasoningTokens: 2 };

describe("response: ChatResult → Response", () => {
  test("usage", () => {
    expect(toResponsesUsage(usage)).toEqual({ input_tokens: 21, input_tokens_details: { cached_tokens: 8 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 2 }, total_tokens: 28 });
  });

  test("reasoning, text and a function call", () => {
    const response = toResponse({ index: 0, text: "Checking.", reasoning: "Hmm.", toolCalls: [{ id: "call_1", name: "f", arguments: "{}" }], finishReason: "tool_calls" }, usage, meta);
    expect(response).toMatchObject({ id: "resp_abc", object: "response", created_at: 1700000000, status: "completed", error: null, incomplete_details: null, model: "m", output_text: "Checking." });
    expect(response.output).toEqual([
      { id: "rs_abc_0", type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "Hmm." }] },
      { id: "msg_abc_1", type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: "Checking.", annotations: [] }] },
      { id: "fc_abc_2", type: "function_call", status: "completed", call_id: "call_1", name: "f", arguments: "{}" },
    ]);
  });

  test("a length finish is incomplete", () => {
    expect(toResponse({ index: 0, text: "Hi", finishReason: "length" }, usage, meta)).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } });
  });

  test("an unknown previous response is a 404 previous_response_not_found", () => {
    const mapped = toResponsesError({ kind: "invalid_request", message: "Previous response with id 'resp_x' not found.", param: "previous_response_id", code: "previous_response_not_found" });
    expect(mapped).toEqual({ status: 404, headers: {}, body: { error: { message: "Previous response with id 'resp_x' not found.", type: "invalid_request_error", code: "previous_response_not_found", param: "previous_response_id" } } });
  });
});

const encodeAll = (events: StreamEvent[], onAnswer?: (choice: unknown) => void) => {
  const encoder = new ResponsesStreamEncoder(meta, onAnswer);
  return events.flatMap((event) => encoder.encode(event, event.type === "finish" ? usage : undefined)).map((frame) => (frame.type === "event" ? (frame.data as Record<string, unknown>) : {}));
};

describe("stream: events → Responses SSE events", () => {
  test("text then a tool call, in order, with sequence numbers and the stored answer", () => {
    const answers: unknown[] = [];
    const events = encodeAll(
      [
        { type: "text-delta", text: "Hel" },
        { type: "text-delta", text: "lo" },
        { type: "tool-call-delta", toolIndex: 0, id: "call_1", name: "f", argumentsDelta: '{"a":' },
        { type: "tool-call-delta", toolIndex: 0, argumentsDelta: "1}" },
        { type: "finish", finishReasons: ["tool_calls"] },
      ],
      (choice) => answers.push(choice),
    );
    expect(events.map((event) => event.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual([...Array(15).keys()]);
    expect(events[6]).toEqual({ type: "response.output_text.done", sequence_number: 6, item_id: "msg_abc_0", output_index: 0, content_index: 0, text: "Hello", logprobs: [] });
    expect(events[12]).toEqual({ type: "response.function_call_arguments.done", sequence_number: 12, item_id: "fc_abc_1", output_index: 1, name: "f", arguments: '{"a":1}' });
    expect(events[14]).toMatchObject({ response: { status: "completed", output_text: "Hello", usage: { input_tokens: 21, output_tokens: 7, total_tokens: 28 } } });
    expect(answers).toEqual([{ index: 0, text: "Hello", toolCalls: [{ id: "call_1", name: "f", arguments: '{"a":1}' }], finishReason: "tool_calls" }]);
  });

  test("a cut stream ends with error and response.failed, never completed, and stores nothing", () => {
    const answers: unknown[] = [];
    const events = encodeAll([{ type: "text-delta", text: "Hel" }, { type: "error", error: { kind: "stream_cut", provider: "openai" } }], (choice) => answers.push(choice));
    expect(events.slice(-2)).toEqual([
      { type: "error", sequence_number: 5, code: "stream_cut", message: "The openai stream ended before it was complete.", param: null },
      expect.objectContaining({ type: "response.failed", response: expect.objectContaining({ status: "failed", error: { code: "stream_cut", message: "The openai stream ended before it was complete." } }) }),
    ]);
    expect(events.some((event) => event.type === "response.completed")).toBe(false);
    expect(answers).toEqual([]);
  });
});

describe("previous_response_id and store", () => {
  const key = { id: "00000000-0000-4000-8000-0000000000aa", orgId: "00000000-0000-4000-8000-000000000001" } as KeyEntry;
  const contextWith = (store = createMemoryResponseStore()): PrepareContext => ({ deps: { responses: store } as unknown as GatewayDeps, key, requestId: "req_0123" });
  const result: ChatResult = { choices: [{ index: 0, text: "Sunny.", finishReason: "stop" }] };
  const answerMeta = (chatRequest: AnswerMeta["chatRequest"]): AnswerMeta => ({ requestId: "req_0123", model: "m", created: 1, chatRequest });

  async function prepare(body: Record<string, unknown>, context: PrepareContext) {
    const parsed = responsesInbound.parseRequest({ model: "m", ...body });
    if (!parsed.ok) throw new Error("parse failed");
    return parsed.value.prepare!(context);
  }

  test("an answered request is stored without its instructions, and continues with them replaced", async () => {
    const store = createMemoryResponseStore();
    const first = await prepare({ input: "Weather?", instructions: "Be brief." }, contextWith(store));
    if (!first.ok) throw new Error("prepare failed");
    expect(first.value.format.encodeResult(result, usage, answerMeta(first.value.chatRequest))).toMatchObject({ id: "resp_0123", instructions: "Be brief.", store: true });
    await Promise.resolve();
    expect(store.records.get("resp_0123")).toMatchObject({ orgId: key.orgId, keyId: key.id, model: "m", messages: [{ role: "user", content: "Weather?" }, { role: "assistant", content: "Sunny." }] });

    const next = await prepare({ input: "Tomorrow?", instructions: "Be nice.", previous_response_id: "resp_0123" }, contextWith(store));
    expect(next.ok && next.value.chatRequest.messages).toEqual([
      { role: "system", content: "Be nice." },
      { role: "user", content: "Weather?" },
      { role: "assistant", content: "Sunny." },
      { role: "user", content: "Tomorrow?" },
    ]);
  });

  test("store: false stores nothing", async () => {
    const store = createMemoryResponseStore();
    const prepared = await prepare({ input: "Hi", store: false }, contextWith(store));
    if (!prepared.ok) throw new Error("prepare failed");
    prepared.value.format.encodeResult(result, usage, answerMeta(prepared.value.chatRequest));
    await Promise.resolve();
    expect(store.records.size).toBe(0);
  });

  test.each([
    ["an unknown id", contextWith(), { code: "previous_response_not_found", message: "Previous response with id 'resp_nope' not found." }],
    ["no store configured", { ...contextWith(), deps: {} as GatewayDeps }, { code: "unsupported_parameter", message: "previous_response_id is not available: this gateway has no response store configured." }],
  ])("%s is refused", async (_name, context, expected) => {
    const prepared = await prepare({ input: "Hi", previous_response_id: "resp_nope" }, context);
    expect(prepared).toEqual({ ok: false, error: { kind: "invalid_request", param: "previous_response_id", ...expected } });
  });

  test("another key of the same org cannot continue the conversation", async () => {
    const store = createMemoryResponseStore();
    await store.save({ id: "resp_1", orgId: key.orgId, keyId: "other", model: "m", messages: [], createdAt: new Date(), expiresAt: new Date(Date.now() + 1000) });
    const prepared = await prepare({ input: "Hi", previous_response_id: "resp_1" }, contextWith(store));
    expect(prepared.ok).toBe(false);
  });
});
