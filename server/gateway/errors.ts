import { classifyFailure } from "./routing/classify-failure";
import { truncateCallerText } from "./caller-text";
import type { GatewayError } from "./types";

export interface OpenAIErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null };
}

export interface OpenAIErrorResponse {
  status: number;
  body: OpenAIErrorBody;
  headers: Record<string, string>;
}

function body(message: string, type: string, code: string | null, param: string | null = null): OpenAIErrorBody {
  return { error: { message, type, code, param } };
}

function retryAfterHeaders(retryAfterMs: number | undefined): Record<string, string> {
  if (retryAfterMs === undefined) return {};
  return { "retry-after": String(Math.max(1, Math.ceil(retryAfterMs / 1000))), "retry-after-ms": String(retryAfterMs) };
}

/**
 * The one place a GatewayError becomes an HTTP status and an OpenAI-shaped body.
 * Exhaustive: adding a kind without a case fails to compile. Messages never carry
 * upstream URLs, SQL, stacks or key material, and quote caller-supplied names truncated (caller-text.ts).
 */
export function toOpenAIError(error: GatewayError): OpenAIErrorResponse {
  switch (error.kind) {
    case "invalid_request":
      return { status: 400, body: body(error.message, "invalid_request_error", error.code ?? "invalid_request", error.param ?? null), headers: {} };
    case "unauthorized":
      return {
        status: 401,
        body: body(error.message ?? "Incorrect API key provided. Pass a valid virtual key as 'Authorization: Bearer vk_...'.", "invalid_request_error", "invalid_api_key"),
        headers: {},
      };
    case "forbidden":
      return { status: 403, body: body(error.message ?? `Request refused by policy (${error.reason}).`, "permission_error", error.code ?? `forbidden_${error.reason}`), headers: {} };
    case "not_found":
      return { status: 404, body: body(error.message, "invalid_request_error", "not_found"), headers: {} };
    case "no_route":
      return {
        status: 404,
        body: body(`The model \`${truncateCallerText(error.model)}\` does not exist or you do not have access to it.`, "invalid_request_error", "model_not_found", "model"),
        headers: {},
      };
    case "payload_too_large":
      return { status: 413, body: body(`Request body is larger than the limit of ${error.limitBytes} bytes.`, "invalid_request_error", "request_too_large"), headers: {} };
    case "unsupported_media_type":
      return {
        status: 415,
        body: body("Unsupported Content-Type: send the request body as JSON, with 'Content-Type: application/json'.", "invalid_request_error", "unsupported_media_type"),
        headers: {},
      };
    case "budget_exceeded":
      return error.status === 503
        ? { status: 503, body: body(error.message, "server_error", error.code ?? "budget_unavailable"), headers: { "retry-after": "1" } }
        : { status: 429, body: body(error.message, "insufficient_quota", error.code ?? "budget_exceeded"), headers: retryAfterHeaders(error.retryAfterMs) };
    case "rate_limited":
      return { status: 429, body: body(error.message ?? "Rate limit reached. Retry later.", "rate_limit_error", error.code ?? "rate_limit_exceeded"), headers: retryAfterHeaders(error.retryAfterMs) };
    case "upstream":
      return upstreamError(error);
    case "timeout":
      return error.phase === "client_body"
        ? { status: 408, body: body("The request body was not received in time.", "invalid_request_error", "request_timeout"), headers: {} }
        : { status: 504, body: body(`The provider did not answer in time (${error.phase} timeout).`, "timeout_error", `timeout_${error.phase}`), headers: {} };
    case "stream_cut":
      return { status: 502, body: body(`The ${error.provider} stream ended before it was complete.`, "upstream_error", "stream_cut"), headers: {} };
    case "unavailable":
      return { status: 503, body: body(error.message, "server_error", error.code ?? "unavailable"), headers: retryAfterHeaders(error.retryAfterMs) };
    case "internal":
      return { status: 500, body: body("The gateway failed to handle the request.", "server_error", "internal_error"), headers: {} };
  }
}

function upstreamError(error: Extract<GatewayError, { kind: "upstream" }>): OpenAIErrorResponse {
  const prefix = `${error.provider}: `;
  const message = prefix + (error.message || `upstream answered ${error.status}`);
  const status = error.status;
  if (status === 429) {
    return { status: 429, body: body(message, "rate_limit_error", error.code ?? "rate_limit_exceeded", error.param ?? null), headers: retryAfterHeaders(error.retryAfterMs) };
  }
  if (status === 400 || status === 404 || status === 413 || status === 422) {
    return { status: status === 422 ? 400 : status, body: body(message, "invalid_request_error", error.code ?? "upstream_invalid_request", error.param ?? null), headers: {} };
  }
  if (status === 401 || status === 403) {
    // The caller's key was fine; the gateway's provider credential was not. Never echo it.
    return { status: 502, body: body(`${error.provider}: the provider rejected the gateway's credential.`, "upstream_error", "upstream_auth_failed"), headers: {} };
  }
  if (status === 529 || status === 503) {
    return { status: 503, body: body(message, "upstream_error", error.code ?? "upstream_overloaded"), headers: retryAfterHeaders(error.retryAfterMs) };
  }
  return { status: 502, body: body(message, "upstream_error", error.code ?? "upstream_error"), headers: retryAfterHeaders(error.retryAfterMs) };
}

/**
 * Whether another attempt (same or next target) may succeed: one classification for the attempt loop and model
 * groups (routing/classify-failure.ts), transient failures and 429s. An idle timeout is silence after the upstream
 * began answering, so the plain attempt loop does not send the request again.
 */
export function isRetryable(error: GatewayError): boolean {
  if (error.kind === "timeout" && error.phase === "idle") return false;
  const failure = classifyFailure(error);
  return failure === "transient" || failure === "rate_limited";
}

/** Parses a Retry-After header (seconds or HTTP date) or retry-after-ms into milliseconds. */
export function parseRetryAfter(headers: Headers): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Strips anything that looks like a URL or a secret from upstream-provided text before it reaches a client. */
export function sanitizeUpstreamMessage(message: string): string {
  return message
    .replace(/https?:\/\/[^\s"'<>]+/g, "[url]")
    .replace(/\b(sk|vk|pk|rk|AIza)[-_A-Za-z0-9]{8,}/g, "[redacted]")
    .replace(/\b[A-Za-z0-9_-]{32,}\b/g, "[redacted]")
    .slice(0, 2000);
}
