import type { GatewayResponse } from "../contract";
import type { GatewayDeps } from "../deps";
import type { InboundFormat } from "../inbound/inbound-format";
import { settleInBackground, type Outcome, type RequestRecord } from "../ledger";
import type { GatewayError } from "../types";
import { responseHeaders } from "./response-headers";

/**
 * The answer when every attempt failed before a response was committed (stream or not).
 * A client that left after the prompt was sent is billed, estimated, for the prompt: the
 * provider already has it. `spent`, when given, is what sibling calls of a fanned-out request consumed (already
 * counted, prompts included), billed on this one row.
 */
export function failedAnswer(
  deps: GatewayDeps,
  record: RequestRecord,
  format: InboundFormat,
  error: GatewayError,
  clientSignal: AbortSignal,
  spent?: Pick<Outcome, "usage" | "usageEstimated">,
): GatewayResponse {
  const mapped = format.encodeError(error);
  const clientAborted = clientSignal.aborted;
  const outcome: Outcome = clientAborted ? { status: "aborted", httpStatus: 499, error, clientAborted, producedText: "" } : { status: "error", httpStatus: mapped.status, error };
  settleInBackground(record, { ...outcome, ...spent }, deps);
  return { type: "json", status: mapped.status, headers: { ...responseHeaders(record), ...mapped.headers }, body: mapped.body };
}
