import type { GatewayDeps } from "../deps";
import type { AnswerMeta, InboundFormat } from "../inbound/inbound-format";
import type { RequestRecord } from "../ledger";
import type { ChatRequest, ProviderAdapter, UpstreamRequest } from "../types";

/** One resolved chat request on its way to a provider: everything the answer steps need. */
export interface ChatCall {
  deps: GatewayDeps;
  record: RequestRecord;
  /** The wire format the caller speaks (answers and errors are encoded in it). */
  format: InboundFormat;
  chatRequest: ChatRequest;
  adapter: ProviderAdapter;
  upstreamRequest: UpstreamRequest;
  /** Aborted by the client leaving or the total timeout. */
  signal: AbortSignal;
  /** Aborted only by the client leaving. */
  clientSignal: AbortSignal;
}

export function answerMeta(call: ChatCall): AnswerMeta {
  return { requestId: call.record.id, model: call.record.requestedModel!, created: Math.floor(call.record.startedAt / 1000), chatRequest: call.chatRequest };
}
