import type { RequestRecord } from "../ledger";

/** Headers every chat answer carries: the ledger id, who served it, and any parameter warnings. */
export function responseHeaders(record: RequestRecord): Record<string, string> {
  const headers: Record<string, string> = { "x-request-id": record.id };
  if (record.model) {
    headers["x-modelgate-provider"] = record.model.connection.kind;
    headers["x-modelgate-model"] = record.model.upstreamModel;
  }
  if (record.warnings.length > 0) {
    // e.g. "unsupported_parameter:logprobs, clamped_parameter:temperature" (details in the request log)
    headers["x-modelgate-warnings"] = record.warnings.map((warning) => `${warning.code}${warning.param ? `:${warning.param}` : ""}`).join(", ");
  }
  return headers;
}
