import type { GatewayResponse } from "../../contract";
import { settleInBackground } from "../../ledger";
import type { ChatResult, Result } from "../../types";
import { answerMeta, type ChatCall } from "../chat-call";
import { failedAnswer } from "../failed-answer";
import { producedTextOf, readChatResult } from "../read-chat-result";
import { responseHeaders } from "../response-headers";
import { sendWithAttempts } from "../send-attempts";
import type { UpstreamCall } from "./plan-calls";
import { spentBy, type CallConsumption } from "./sum-usage";

type Answered = Extract<Result<ChatResult>, { ok: true }>;
type Failed = Extract<Result<ChatResult>, { ok: false }>;

/**
 * Non-stream `n` on a provider that returns fewer choices per call: the calls run concurrently, each through the
 * attempt loop, and are merged into one answer (choices re-indexed 0..n-1 in call order, usage summed) on one ledger
 * row. Every call is awaited, so each one that answered is billed with the usage it reported, also when a sibling
 * failed and the request fails with that (the first) call's error. A client that left is billed an estimated prompt
 * for each call it cut short, as a single call would be.
 */
export async function completeFanOut(call: ChatCall, calls: readonly UpstreamCall[]): Promise<GatewayResponse> {
  const { deps, record, format, chatRequest, adapter, signal, clientSignal } = call;
  const results = await Promise.all(
    calls.map((planned) => sendWithAttempts<ChatResult>(deps, record, adapter, planned.upstreamRequest, signal, (response) => readChatResult(response, adapter))),
  );
  const consumed = results.flatMap((result): CallConsumption[] => {
    if (result.ok) return [{ reported: result.value.usage, producedText: producedTextOf(result.value) }];
    return clientSignal.aborted ? [{ reported: undefined, producedText: "" }] : [];
  });
  const spent = await spentBy(consumed, chatRequest);

  const failed = results.find((result): result is Failed => !result.ok);
  if (failed || !spent) return failedAnswer(deps, record, format, failed?.error ?? { kind: "internal" }, clientSignal, spent);

  record.firstTokenAt = Date.now();
  const merged = mergeResults(results as Answered[], calls);
  settleInBackground(record, { status: "success", httpStatus: 200, ...spent }, deps);
  const body = format.encodeResult(merged, spent.usage, answerMeta(call));
  return { type: "json", status: 200, headers: responseHeaders(record), body };
}

/** Call k's choices follow those of calls 0..k-1; a call that returned fewer than it was asked still keeps its slots. */
function mergeResults(results: readonly Answered[], calls: readonly UpstreamCall[]): ChatResult {
  let offset = 0;
  const choices = results.flatMap(({ value }, index) => {
    const start = offset;
    offset += calls[index].choices;
    return value.choices.map((choice) => ({ ...choice, index: start + choice.index }));
  });
  const upstreamId = results.find(({ value }) => value.upstreamId)?.value.upstreamId;
  return { choices, ...(upstreamId ? { upstreamId } : {}) };
}
