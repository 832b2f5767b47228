import type { GatewayResponse, OutboundFrame } from "../contract";
import { toOpenAIError } from "../errors";
import { completeUsage } from "../estimate-tokens";
import { settleInBackground, type Outcome } from "../ledger";
import { StreamTally } from "../stream/stream-tally";
import { AnswerCollector } from "../cache/answer-collector";
import { storeAnswer } from "../cache/store-answer";
import type { GatewayError, StreamEvent } from "../types";
import { eventOfRead, readFailure } from "../stream/read-outcome";
import { answerMeta, type ChatCall } from "./chat-call";
import { responseHeaders } from "./response-headers";
import { failedAnswer } from "./failed-answer";
import { openStream, type OpenedStream } from "./open-stream";

/**
 * Streaming chat completion. The first event is read before answering, so a failure before it
 * still gets a proper HTTP status (and a retry); after it, failures end the stream with an
 * error frame and never with [DONE]. Settled exactly once: on finish, on error, or on abort.
 */
export async function streamChat(call: ChatCall): Promise<GatewayResponse> {
  const { deps, record, format, upstreamRequest, clientSignal } = call;
  record.stream = true;
  const opened = await openStream(call, upstreamRequest);

  if (!opened.ok) return failedAnswer(deps, record, format, opened.error, clientSignal);
  return streamOpened(call, opened.value);
}

/** Streams an upstream that produced its first event to the caller (also the routed path's, routing/route-chat.ts). */
export function streamOpened(call: ChatCall, opened: OpenedStream): GatewayResponse {
  const { deps, record, format, chatRequest, adapter, clientSignal } = call;
  record.firstTokenAt = Date.now();
  const { reader, first } = opened;
  const tally = new StreamTally();
  // Rebuilt only when the answer is to be cached (cache/): a complete stream is stored as one normalized answer.
  const collector = record.cache?.store ? new AnswerCollector() : undefined;
  const encoder = format.createStreamEncoder(answerMeta(call));
  let settled = false;
  const settle = (outcome: Outcome) => {
    if (settled) return;
    settled = true;
    clientSignal.removeEventListener("abort", onAbort);
    settleInBackground(record, { ...outcome, usage: tally.usage, producedText: tally.producedText }, deps);
  };
  const onAbort = () => {
    settle({ status: "aborted", httpStatus: 499, clientAborted: true });
    reader.cancel().catch(() => {});
  };
  clientSignal.addEventListener("abort", onAbort, { once: true });

  const encode = async (event: StreamEvent): Promise<OutboundFrame[]> => {
    tally.observe(event);
    collector?.observe(event);
    if (event.type === "finish") {
      const { usage } = await completeUsage(event.usage, chatRequest, tally.producedText);
      settle({ status: "success", httpStatus: 200 });
      if (collector) storeAnswer(deps, record, collector.result(), usage);
      return encoder.encode(event, usage);
    }
    if (event.type === "error") {
      settle({ status: "error", httpStatus: toOpenAIError(event.error).status, error: event.error });
      reader.cancel().catch(() => {});
    }
    return encoder.encode(event);
  };
  const fail = (error: GatewayError) => encode({ type: "error", error });

  const frames = new ReadableStream<OutboundFrame>(
    {
      async start(controller) {
        for (const frame of await encode(first)) controller.enqueue(frame);
        if (first.type === "finish" || first.type === "error") controller.close();
      },
      async pull(controller) {
        let next: ReadableStreamReadResult<StreamEvent>;
        try {
          next = await reader.read();
        } catch (error) {
          for (const frame of await fail(readFailure(error, adapter.id))) controller.enqueue(frame);
          controller.close();
          return;
        }
        const event = eventOfRead(next, adapter.id);
        for (const frame of await encode(event)) controller.enqueue(frame);
        if (event.type === "finish" || event.type === "error") controller.close();
      },
      cancel() {
        onAbort();
      },
    },
    { highWaterMark: 0 },
  );
  return { type: "stream", status: 200, headers: responseHeaders(record), frames };
}
