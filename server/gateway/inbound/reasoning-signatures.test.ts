import { describe, expect, test } from "vitest";
import type { OutboundFrame } from "../contract";
import { chatRequestSchema } from "../chat-request";
import { toOpenAICompletion } from "../openai-format";
import { ChunkEncoder } from "../stream/chunk-encoder";
import type { ChatChoice, StreamEvent, Usage } from "../types";
import { messagesRequestSchema, toChatRequest as toChatRequestFromMessages } from "./anthropic/request";
import { toAnthropicMessage } from "./anthropic/response";
import { MessagesStreamEncoder } from "./anthropic/stream";
import { answerMessage } from "./responses/conversation";
import { responsesRequestSchema, toChatRequest as toChatRequestFromResponses } from "./responses/request";
import { toResponse } from "./responses/response";
import { ResponsesStreamEncoder } from "./responses/stream";

/** Reasoning signatures and redacted reasoning through every inbound format, out and back in. */
const SIGNATURE = "EqQBCkgIBxABGAIiQGZha2UtdGhpbmtpbmctc2lnbmF0dXJlLWZvci1lMmUtdGVzdHM=";
const usage: Usage = { inputTokens: 21, outputTokens: 7 };
const signedChoice: ChatChoice = { index: 0, text: null, reasoning: "Plan.", reasoningSignature: SIGNATURE, redactedReasoning: ["R1"], toolCalls: [{ id: "toolu_1", name: "f", arguments: "{}" }], finishReason: "tool_calls" };
const dataOf = (frames: OutboundFrame[]) => frames.map((frame) => (frame.type === "event" || frame.type === "data" ? (frame.data as Record<string, unknown>) : { frame: frame.type }));
/** Every event through one stream encoder (usage on `finish`), as the frames' data. */
const encodeAll = (encoder: { encode(event: StreamEvent, usage?: Usage): OutboundFrame[] }, events: StreamEvent[]) =>
  dataOf(events.flatMap((event) => encoder.encode(event, event.type === "finish" ? usage : undefined)));
/** Signed reasoning, one redacted block, then text: a Claude thinking stream as the gateway's events. */
const signedStream: StreamEvent[] = [
  { type: "reasoning-delta", text: "Plan." },
  { type: "reasoning-signature", signature: SIGNATURE },
  { type: "redacted-reasoning", data: "R1" },
  { type: "text-delta", text: "Hi" },
  { type: "finish", finishReasons: ["stop"] },
];
/** signedChoice as the next request's history. */
const signedHistoryMessage = { role: "assistant", content: null, reasoning_content: "Plan.", reasoning_signature: SIGNATURE, redacted_reasoning: ["R1"], tool_calls: [{ id: "toolu_1", type: "function", function: { name: "f", arguments: "{}" } }] };

describe("/v1/messages", () => {
  const translate = (content: unknown[]) =>
    toChatRequestFromMessages(
      messagesRequestSchema.parse({
        model: "claude",
        max_tokens: 100,
        messages: [{ role: "user", content: "Weather?" }, { role: "assistant", content }, { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "Sunny" }] }],
      }),
    );
  const toolUse = { type: "tool_use", id: "toolu_1", name: "f", input: {} };

  test("history: the signed thinking block and redacted blocks become the assistant message's fields", () => {
    const { chatRequest, warnings } = translate([{ type: "thinking", thinking: "Plan.", signature: SIGNATURE }, { type: "redacted_thinking", data: "R1" }, toolUse]);
    expect(chatRequest.messages[1]).toEqual(signedHistoryMessage);
    expect(warnings).toEqual([]);
  });

  test("history: an empty signature (another provider's reasoning, as the gateway sent it) is no signature", () => {
    const { chatRequest, warnings } = translate([{ type: "thinking", thinking: "Plan.", signature: "" }, toolUse]);
    expect(chatRequest.messages[1]).not.toHaveProperty("reasoning_signature");
    expect(warnings).toEqual([]);
  });

  test("history: two signed thinking blocks cannot be rebuilt; the signatures are dropped with a warning", () => {
    const { chatRequest, warnings } = translate([{ type: "thinking", thinking: "A.", signature: "S1" }, { type: "thinking", thinking: "B.", signature: "S2" }, toolUse]);
    expect(chatRequest.messages[1]).toMatchObject({ reasoning_content: "A.B." });
    expect(chatRequest.messages[1]).not.toHaveProperty("reasoning_signature");
    expect(warnings.map((warning) => warning.param)).toEqual(["thinking"]);
  });

  test("answer: the thinking block carries the signature, redacted blocks follow", () => {
    expect(toAnthropicMessage({ choices: [signedChoice] }, { id: "msg_1", model: "claude" }, usage).content).toEqual([
      { type: "thinking", thinking: "Plan.", signature: SIGNATURE },
      { type: "redacted_thinking", data: "R1" },
      { type: "tool_use", id: "toolu_1", name: "f", input: {} },
    ]);
  });

  test("answer: reasoning from a provider without signatures keeps signature ''", () => {
    expect(toAnthropicMessage({ choices: [{ index: 0, text: "Hi", reasoning: "Hmm.", finishReason: "stop" }] }, { id: "msg_1", model: "m" }, usage).content[0]).toEqual({ type: "thinking", thinking: "Hmm.", signature: "" });
  });

  test("stream: signature_delta right before the thinking block's content_block_stop; redacted block whole", () => {
    const frames = encodeAll(new MessagesStreamEncoder({ id: "msg_1", model: "claude" }), signedStream);
    expect(frames.slice(1, 8)).toEqual([
      { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "Plan." } },
      { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: SIGNATURE } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "redacted_thinking", data: "R1" } },
      { type: "content_block_stop", index: 1 },
      { type: "content_block_start", index: 2, content_block: { type: "text", text: "" } },
    ]);
  });

  test("stream: a second signed thinking block opens a new block", () => {
    const encoder = new MessagesStreamEncoder({ id: "msg_1", model: "claude" });
    const events: StreamEvent[] = [
      { type: "reasoning-delta", text: "A." },
      { type: "reasoning-signature", signature: "S1" },
      { type: "reasoning-delta", text: "B." },
      { type: "reasoning-signature", signature: "S2" },
    ];
    const starts = encodeAll(encoder, events).filter((frame) => frame.type === "content_block_start");
    expect(starts.map((frame) => frame.index)).toEqual([0, 1]);
  });
});

describe("/v1/chat/completions", () => {
  test("the message carries reasoning_signature and redacted_reasoning, which parse back as history", () => {
    const message = toOpenAICompletion({ choices: [signedChoice] }, { id: "chatcmpl_1", model: "m", created: 1 }, usage).choices[0].message;
    expect(message).toMatchObject({ reasoning_content: "Plan.", reasoning_signature: SIGNATURE, redacted_reasoning: ["R1"] });
    const request = chatRequestSchema.parse({ model: "m", messages: [{ role: "user", content: "Hi" }, message, { role: "tool", tool_call_id: "toolu_1", content: "Sunny" }] });
    expect(request.messages[1]).toMatchObject({ reasoning_signature: SIGNATURE, redacted_reasoning: ["R1"] });
  });

  test("stream deltas carry the signature and redacted data whole", () => {
    const encoder = new ChunkEncoder({ id: "chatcmpl_1", model: "m", created: 1, includeUsage: false });
    const deltas = encodeAll(encoder, signedStream.slice(0, 3)).map((chunk) => (chunk.choices as { delta: unknown }[])[0].delta);
    expect(deltas).toEqual([{ role: "assistant", reasoning_content: "Plan." }, { reasoning_signature: SIGNATURE }, { redacted_reasoning: ["R1"] }]);
  });
});

describe("/v1/responses", () => {
  const meta = { id: "resp_abc", model: "m", created: 1700000000, instructions: null, previousResponseId: null, store: true, metadata: {} };
  const included = { ...meta, includeEncryptedReasoning: true };
  const signedReasoningItems = [
    { id: "rs_abc_0", type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "Plan." }], encrypted_content: SIGNATURE },
    { id: "rs_abc_1", type: "reasoning", summary: [], content: [], encrypted_content: "redacted_thinking:R1" },
  ];

  test("encrypted_content carries the signature (and redacted data) only when included", () => {
    expect(toResponse(signedChoice, usage, meta).output[0]).not.toHaveProperty("encrypted_content");
    expect(toResponse(signedChoice, usage, meta).output).toHaveLength(2);
    expect(toResponse(signedChoice, usage, included).output.slice(0, 2)).toEqual(signedReasoningItems);
  });

  test("input reasoning items with encrypted_content become the next assistant message's signature", () => {
    const output = toResponse(signedChoice, usage, included).output;
    const { chatRequest, warnings } = toChatRequestFromResponses(
      responsesRequestSchema.parse({
        model: "m",
        include: ["reasoning.encrypted_content"],
        input: [{ role: "user", content: "Weather?" }, ...output, { type: "function_call_output", call_id: "toolu_1", output: "Sunny" }],
      }),
    );
    expect(chatRequest.messages[1]).toEqual(signedHistoryMessage);
    expect(warnings).toEqual([]);
  });

  test("other include values are ignored with a warning", () => {
    const { warnings } = toChatRequestFromResponses(responsesRequestSchema.parse({ model: "m", input: "Hi", include: ["reasoning.encrypted_content", "message.output_text.logprobs"] }));
    expect(warnings.map((warning) => warning.param)).toEqual(["include"]);
  });

  test("two signed reasoning items for one turn cannot be rebuilt: dropped with a warning", () => {
    const reasoning = (text: string, signature: string) => ({ type: "reasoning", summary: [], content: [{ type: "reasoning_text", text }], encrypted_content: signature });
    const { chatRequest, warnings } = toChatRequestFromResponses(
      responsesRequestSchema.parse({ model: "m", input: [{ role: "user", content: "Hi" }, reasoning("A.", "S1"), reasoning("B.", "S2"), { type: "function_call", call_id: "c1", name: "f", arguments: "{}" }] }),
    );
    expect(chatRequest.messages[1]).toMatchObject({ reasoning_content: "A.B." });
    expect(chatRequest.messages[1]).not.toHaveProperty("reasoning_signature");
    expect(warnings.map((warning) => warning.param)).toEqual(["input.reasoning.encrypted_content"]);
  });

  test("stream: the reasoning item is done with its encrypted_content; the stored answer keeps signature and redacted data", () => {
    const answers: ChatChoice[] = [];
    const frames = encodeAll(new ResponsesStreamEncoder(included, (choice) => answers.push(choice)), signedStream);
    const done = frames.filter((frame) => frame.type === "response.output_item.done").map((frame) => frame.item);
    expect(done).toEqual([...signedReasoningItems, expect.objectContaining({ type: "message" })]);
    expect(answers).toEqual([{ index: 0, text: "Hi", reasoning: "Plan.", reasoningSignature: SIGNATURE, redactedReasoning: ["R1"], finishReason: "stop" }]);
    expect(answerMessage(answers[0])).toEqual({ role: "assistant", content: "Hi", reasoning_content: "Plan.", reasoning_signature: SIGNATURE, redacted_reasoning: ["R1"] });
  });

  test("stream without include: no encrypted_content, no redacted items, but the stored answer still keeps them", () => {
    const answers: ChatChoice[] = [];
    const withoutText = signedStream.filter((event) => event.type !== "text-delta");
    const frames = encodeAll(new ResponsesStreamEncoder(meta, (choice) => answers.push(choice)), withoutText);
    expect(JSON.stringify(frames)).not.toContain("encrypted_content");
    expect(answers[0]).toMatchObject({ reasoningSignature: SIGNATURE, redactedReasoning: ["R1"] });
  });
});
