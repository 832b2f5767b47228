import { cacheHeaders } from "../cache/response-cache";
import type { RequestRecord } from "../ledger";
import type { Warning } from "../types";

// Caller-chosen field names become warning params: a header carries only visible ASCII, bounded.
const MAX_PARAM_CHARS = 64;
const MAX_HEADER_CHARS = 1024;
const UNSAFE = /[^A-Za-z0-9._\-[\]]/g;

/** Headers every chat answer carries: the ledger id, who served it (and, routed, the group, deployment and attempts), the response cache mark, any parameter warnings, and the x-ratelimit-* of its limits. */
export function responseHeaders(record: RequestRecord): Record<string, string> {
  const headers: Record<string, string> = { "x-request-id": record.id };
  if (record.model) {
    headers["x-modelgate-provider"] = record.model.connection.kind;
    headers["x-modelgate-model"] = record.model.upstreamModel;
  }
  if (record.route) {
    headers["x-modelgate-route"] = `${record.route.group}@v${record.route.version}`;
    headers["x-modelgate-attempts"] = String(record.route.attempts.length);
    if (record.route.chosen) headers["x-modelgate-deployment"] = record.route.chosen;
  }
  if (record.experiment) headers["x-modelgate-variant"] = record.experiment.variant;
  if (record.cache) Object.assign(headers, cacheHeaders(record.cache));
  if (record.warnings.length > 0) headers["x-modelgate-warnings"] = formatWarningsHeader(record.warnings);
  return record.rateLimit ? { ...headers, ...record.rateLimit.headers } : headers;
}

/** e.g. "unsupported_parameter:logprobs, clamped_parameter:temperature" (details in the request log). */
export function formatWarningsHeader(warnings: readonly Warning[]): string {
  let header = "";
  for (let index = 0; index < warnings.length; index++) {
    const { code, param } = warnings[index];
    const item = param ? `${code}:${param.slice(0, MAX_PARAM_CHARS).replace(UNSAFE, "_")}` : code;
    const next = header ? `${header}, ${item}` : item;
    if (next.length > MAX_HEADER_CHARS - 24) return `${header}, ...and ${warnings.length - index} more`;
    header = next;
  }
  return header;
}
