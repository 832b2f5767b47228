import { describeError, logger } from "@/server/logger";
import type { GatewayResponse, OutboundFrame } from "../../contract";
import { toOpenAIError } from "../../errors";
import { settleInBackground, type Outcome } from "../../ledger";
import { StreamTally } from "../../stream/stream-tally";
import type { Result, StreamEvent } from "../../types";
import { answerMeta, type ChatCall } from "../chat-call";
import { failedAnswer } from "../failed-answer";
import { openStream, type OpenedStream } from "../open-stream";
import { responseHeaders } from "../response-headers";
import { LaneMerger, type Lane } from "./lane-merger";
import type { UpstreamCall } from "./plan-calls";
import { spentBy, type CallConsumption, type Spent } from "./sum-usage";

/**
 * Streaming `n` on a provider that returns fewer choices per call. Every stream is opened (and its first event read)
 * before the response is committed, so a failure to open any of them is a proper HTTP error (the opened ones are
 * cancelled, and billed for what they produced). Then the streams are interleaved (lane-merger.ts) into one: one usage
 * chunk with the summed usage and [DONE] only after all of them finished; a stream that breaks ends the merged one with
 * an error event and cancels the others; a client that leaves cancels all. Settled once, on one ledger row, with what
 * every stream consumed.
 */
export async function streamFanOut(call: ChatCall, calls: readonly UpstreamCall[]): Promise<GatewayResponse> {
  const { deps, record, format, chatRequest, clientSignal } = call;
  record.stream = true;
  const opened = await Promise.all(calls.map((planned) => openStream(call, planned.upstreamRequest)));
  const failed = opened.find((result): result is Extract<Result<OpenedStream>, { ok: false }> => !result.ok);
  if (failed) {
    const consumed = opened.map((result): CallConsumption => (result.ok ? firstConsumption(result.value) : { reported: undefined, producedText: "" }));
    for (const result of opened) if (result.ok) result.value.reader.cancel().catch(() => {});
    // Like a single call: a call that failed costs nothing unless the client left after its prompt was sent.
    const billed = clientSignal.aborted ? consumed : consumed.filter((_, index) => opened[index].ok);
    return failedAnswer(deps, record, format, failed.error, clientSignal, await spentBy(billed, chatRequest));
  }

  record.firstTokenAt = Date.now();
  const merger = new LaneMerger(toLanes(opened as Extract<Result<OpenedStream>, { ok: true }>[], calls), call.adapter.id);
  const encoder = format.createStreamEncoder(answerMeta(call));
  let settled = false;
  const settle = async (outcome: Outcome): Promise<Spent | undefined> => {
    if (settled) return undefined;
    settled = true;
    clientSignal.removeEventListener("abort", onAbort);
    const spent = await spentBy(merger.consumption(), chatRequest);
    settleInBackground(record, { ...outcome, ...spent }, deps);
    return spent;
  };
  const onAbort = () => {
    settle({ status: "aborted", httpStatus: 499, clientAborted: true }).catch((error) => logger.error("settling a request failed", { request_id: record.id, ...describeError(error) }));
    merger.cancel();
  };
  clientSignal.addEventListener("abort", onAbort, { once: true });

  const encode = async (event: StreamEvent): Promise<OutboundFrame[]> => {
    if (event.type === "finish") return encoder.encode(event, (await settle({ status: "success", httpStatus: 200 }))?.usage);
    if (event.type === "error") {
      merger.cancel();
      await settle({ status: "error", httpStatus: toOpenAIError(event.error).status, error: event.error });
    }
    return encoder.encode(event);
  };

  const frames = new ReadableStream<OutboundFrame>(
    {
      async pull(controller) {
        const event = await merger.next();
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

function toLanes(opened: readonly { value: OpenedStream }[], calls: readonly UpstreamCall[]): Lane[] {
  let offset = 0;
  return opened.map(({ value }, index) => {
    const lane = { reader: value.reader, first: value.first, offset, choices: calls[index].choices };
    offset += calls[index].choices;
    return lane;
  });
}

/** What a stream that was opened, then cancelled, consumed: its first event. */
function firstConsumption(opened: OpenedStream): CallConsumption {
  const tally = new StreamTally();
  tally.observe(opened.first);
  return { reported: tally.usage, producedText: tally.producedText };
}
