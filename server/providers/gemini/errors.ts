/**
 * Gemini error bodies → GatewayError.
 *
 * Body shape (google.rpc.Status as JSON): {"error":{"code":429,"message":"…","status":"RESOURCE_EXHAUSTED","details":[…]}}
 * - Status strings and their HTTP codes: https://ai.google.dev/gemini-api/docs/troubleshooting
 *   (INVALID_ARGUMENT / FAILED_PRECONDITION 400, PERMISSION_DENIED 403, NOT_FOUND 404,
 *   RESOURCE_EXHAUSTED 429, INTERNAL 500, UNAVAILABLE 503, DEADLINE_EXCEEDED 504).
 * - details: google.rpc.ErrorInfo (reason, e.g. API_KEY_INVALID), google.rpc.RetryInfo (retryDelay "26s"),
 *   google.rpc.BadRequest (fieldViolations): https://cloud.google.com/apis/design/errors#error_details
 * An invalid API key is answered 400 INVALID_ARGUMENT with reason API_KEY_INVALID; it is reported as
 * status 401 so the gateway treats it as a credential problem, not as the caller's bad request.
 */
import { z } from "zod";
import { parseRetryAfter, sanitizeUpstreamMessage } from "@/server/gateway/errors";
import type { GatewayError } from "@/server/gateway/types";
import { markContextOverflow } from "../context-window";

const statusCodes: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  OUT_OF_RANGE: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ABORTED: 409,
  RESOURCE_EXHAUSTED: 429,
  CANCELLED: 499,
  INTERNAL: 500,
  UNKNOWN: 500,
  DATA_LOSS: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

const detailSchema = z.looseObject({
  "@type": z.string().optional(),
  reason: z.string().optional(),
  retryDelay: z.string().optional(),
  fieldViolations: z.array(z.looseObject({ field: z.string().optional() })).optional(),
});

export const googleErrorSchema = z.looseObject({
  code: z.number().optional(),
  message: z.string().optional(),
  status: z.string().optional(),
  details: z.array(z.unknown()).optional(),
});
export type GoogleError = z.infer<typeof googleErrorSchema>;

/**
 * A prompt over the context window (400 INVALID_ARGUMENT), reported as context_length_exceeded:
 *   "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576)."
 *     https://github.com/google-gemini/gemini-cli/issues/6678; on Vertex https://github.com/googleapis/python-genai/issues/2466
 *   "Unable to submit request because the input token count is 1251952 but model only supports up to 1048576. …" (Vertex)
 *     https://github.com/google-gemini/gemini-cli/issues/19727
 */
const CONTEXT_OVERFLOW = [/input token count \(\d+\) exceeds the maximum number of tokens allowed/i, /input token count is \d+ but model only supports up to \d+/i];

/** `{"error": {...}}`, or the same wrapped in an array (non-SSE stream endpoint). */
const errorBodySchema = z.union([
  z.looseObject({ error: googleErrorSchema }),
  z.array(z.looseObject({ error: googleErrorSchema })).min(1),
]);

/** The HTTP status a google.rpc status name implies. */
export function statusFromName(name: string | undefined): number | undefined {
  return name === undefined ? undefined : statusCodes[name];
}

/** "26s" / "1.5s" (google.protobuf.Duration as JSON) → milliseconds. */
export function parseRetryDelay(delay: string | undefined): number | undefined {
  const match = delay ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

function readDetails(error: GoogleError) {
  const details = (error.details ?? []).flatMap((detail) => {
    const parsed = detailSchema.safeParse(detail);
    return parsed.success ? [parsed.data] : [];
  });
  const reason = details.find((detail) => detail.reason !== undefined)?.reason;
  const retryDelay = details.find((detail) => detail.retryDelay !== undefined)?.retryDelay;
  const field = details.flatMap((detail) => detail.fieldViolations ?? []).find((violation) => violation.field)?.field;
  return { reason, retryDelay, field };
}

/** A GatewayError for a Google error object; `status` is the HTTP status (or the one the error implies). */
export function toUpstreamError(error: GoogleError, status: number, headers?: Headers): GatewayError {
  const { reason, retryDelay, field } = readDetails(error);
  const effectiveStatus = reason === "API_KEY_INVALID" ? 401 : status;
  const result: Extract<GatewayError, { kind: "upstream" }> = {
    kind: "upstream",
    provider: "gemini",
    status: effectiveStatus,
    message: sanitizeUpstreamMessage(error.message || `Gemini answered ${error.status ?? `HTTP ${status}`}`),
  };
  if (error.status) result.type = error.status;
  if (reason) result.code = reason;
  if (field) result.param = field;
  const retryAfterMs = (headers ? parseRetryAfter(headers) : undefined) ?? parseRetryDelay(retryDelay);
  if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
  return markContextOverflow(result, CONTEXT_OVERFLOW);
}

function describeNonJson(status: number, body: string): string {
  const trimmed = body.trim();
  if (trimmed === "" || trimmed.startsWith("<")) return `Gemini answered HTTP ${status} with a non-JSON body.`;
  return sanitizeUpstreamMessage(trimmed.slice(0, 300));
}

export function parseError(status: number, body: string, headers: Headers): GatewayError {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    const retryAfterMs = parseRetryAfter(headers);
    return { kind: "upstream", provider: "gemini", status, message: describeNonJson(status, body), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  const parsed = errorBodySchema.safeParse(json);
  if (!parsed.success) return toUpstreamError({}, status, headers);
  const error = Array.isArray(parsed.data) ? parsed.data[0].error : parsed.data.error;
  return toUpstreamError(error, status, headers);
}
