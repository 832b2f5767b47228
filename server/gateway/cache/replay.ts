import type { GatewayResponse, OutboundFrame } from "../contract";
import type { AnswerMeta, InboundFormat } from "../inbound/inbound-format";
import type { StreamEvent } from "../types";
import type { CachedAnswer } from "./cached-answer";

/** A cached answer as the caller's JSON: the same shape a live answer has, stamped with this request's id. */
export function replayJson(answer: CachedAnswer, format: InboundFormat, meta: AnswerMeta, headers: Record<string, string>): GatewayResponse {
  const body = format.encodeResult({ choices: answer.choices, usage: answer.usage }, answer.usage, meta);
  return { type: "json", status: 200, headers, body };
}

/**
 * A cached answer as a stream: the normalized events a live stream of it would have carried (per choice: reasoning,
 * its signature, redacted blocks, text, tool calls; then `finish` with the usage), through the format's own encoder,
 * so chunks, the usage chunk (stream_options.include_usage) and [DONE] are those of a live answer.
 */
export function replayStream(answer: CachedAnswer, format: InboundFormat, meta: AnswerMeta, headers: Record<string, string>): GatewayResponse {
  const encoder = format.createStreamEncoder(meta);
  const frames: OutboundFrame[] = [];
  for (const event of answerEvents(answer)) frames.push(...encoder.encode(event, event.type === "finish" ? answer.usage : undefined));
  const stream = new ReadableStream<OutboundFrame>({
    start(controller) {
      for (const frame of frames) controller.enqueue(frame);
      controller.close();
    },
  });
  return { type: "stream", status: 200, headers, frames: stream };
}

export function* answerEvents(answer: CachedAnswer): Generator<StreamEvent> {
  for (const choice of answer.choices) {
    const index = choice.index;
    if (choice.reasoning) yield { type: "reasoning-delta", choice: index, text: choice.reasoning };
    if (choice.reasoningSignature) yield { type: "reasoning-signature", choice: index, signature: choice.reasoningSignature };
    for (const data of choice.redactedReasoning ?? []) yield { type: "redacted-reasoning", choice: index, data };
    if (choice.text) yield { type: "text-delta", choice: index, text: choice.text };
    for (const [toolIndex, call] of (choice.toolCalls ?? []).entries()) yield { type: "tool-call-delta", choice: index, toolIndex, id: call.id, name: call.name, argumentsDelta: call.arguments };
  }
  yield { type: "finish", finishReasons: answer.choices.map((choice) => choice.finishReason), usage: answer.usage };
}
