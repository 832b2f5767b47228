import type { FeedbackEntry, FeedbackMetric } from "@/db/queries/request-feedback";
import type { KeyEntry } from "../config/config-source";
import type { GatewayRequest, GatewayResponse } from "../contract";
import type { GatewayDeps } from "../deps";
import { toOpenAIError } from "../errors";
import type { GatewayError } from "../types";
import { feedbackRequestSchema, toFeedbackEntries } from "./feedback-request";

export const FEEDBACK_ENDPOINT = "/v1/feedback";

/** Writes feedback on one request; resolves to the metrics written, none when the key may not rate that request. */
export interface FeedbackStore {
  rate(args: { key: KeyEntry; requestId: string; entries: FeedbackEntry[] }): Promise<FeedbackMetric[]>;
}

const unknownRequest: GatewayError = { kind: "not_found", message: "No request with that request_id was made with this key or its team." };

/**
 * POST /v1/feedback: one statement writes the rows if the rated request was made by this key or a key of its team
 * (request-feedback.ts); otherwise 404, the same for unknown ids and other callers' ids (no existence leak).
 * Feedback is no model request: no ledger row, no budget, no rate limit.
 */
export async function submitFeedback(request: GatewayRequest, key: KeyEntry, deps: GatewayDeps, requestId: string): Promise<GatewayResponse> {
  const headers = { "x-request-id": requestId };
  const answer = (error: GatewayError): GatewayResponse => {
    const mapped = toOpenAIError(error);
    return { type: "json", status: mapped.status, headers: { ...headers, ...mapped.headers }, body: mapped.body };
  };
  if (!deps.feedback) return answer({ kind: "not_found", message: "Feedback is not stored by this gateway." });
  const read = await request.readJson();
  if (!read.ok) return answer(read.error);
  const parsed = feedbackRequestSchema.safeParse(read.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue.path.map(String).join(".");
    return answer({ kind: "invalid_request", message: param ? `Invalid value for '${param}': ${issue.message}` : issue.message, param: param || undefined, code: "invalid_value" });
  }
  const recorded = await deps.feedback.rate({ key, requestId: parsed.data.request_id, entries: toFeedbackEntries(parsed.data) });
  if (recorded.length === 0) return answer(unknownRequest);
  return { type: "json", status: 200, headers, body: { object: "feedback", request_id: parsed.data.request_id, recorded } };
}
