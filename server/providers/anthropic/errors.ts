/**
 * Anthropic error bodies → GatewayError.
 *
 * Reference: https://platform.claude.com/docs/en/api/errors
 * Shape: {"type":"error","error":{"type":"<error type>","message":"..."},"request_id":"req_..."}
 * Types: invalid_request_error 400, authentication_error 401, billing_error 402, permission_error 403,
 * not_found_error 404, request_too_large 413 (returned by Cloudflare, may not be JSON), rate_limit_error 429,
 * api_error 500, timeout_error 504, overloaded_error 529. Mid-stream errors arrive as an SSE `error` event
 * with the same `error` object after a 200.
 */
import { z } from "zod";
import { parseRetryAfter, sanitizeUpstreamMessage } from "@/server/gateway/errors";
import type { GatewayError } from "@/server/gateway/types";
import { markContextOverflow } from "../context-window";

const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export const errorObjectSchema = z.looseObject({
  type: z.string().optional(),
  message: z.string().optional(),
  details: z.looseObject({ error_code: z.string().nullish() }).nullish(),
});
const errorBodySchema = z.looseObject({ error: errorObjectSchema });
export type AnthropicErrorObject = z.infer<typeof errorObjectSchema>;

/**
 * A prompt over the context window (invalid_request_error, 400), reported as context_length_exceeded:
 *   "prompt is too long: 208310 tokens > 200000 maximum"  https://github.com/anthropics/claude-code/issues/12186
 *   "input length and `max_tokens` exceed context limit: 178959 + 64000 > 200000, decrease input length or `max_tokens`
 *   and try again"  https://github.com/docker/docker-agent/issues/569
 */
const CONTEXT_OVERFLOW = [/prompt is too long: \d+ tokens > \d+ maximum/, /input length and `max_tokens` exceed context limit/];

/** The HTTP status Anthropic uses for an error type (for errors that arrive inside a 200 stream). */
export function statusForErrorType(type: string | undefined): number {
  return (type && STATUS_BY_TYPE[type]) || 500;
}

/** One GatewayError from Anthropic's error object, for HTTP errors and in-stream `error` events alike. */
export function toUpstreamError(status: number, error: AnthropicErrorObject, retryAfterMs?: number): GatewayError {
  const message = error.message ? sanitizeUpstreamMessage(error.message) : fallbackMessage(status);
  const result: Extract<GatewayError, { kind: "upstream" }> = { kind: "upstream", provider: "anthropic", status, message };
  if (error.type) result.type = error.type;
  if (error.details?.error_code) result.code = error.details.error_code;
  if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
  return error.type === "invalid_request_error" ? markContextOverflow(result, CONTEXT_OVERFLOW) : result;
}

export function parseError(status: number, body: string, headers: Headers): GatewayError {
  const retryAfterMs = parseRetryAfter(headers);
  const parsed = errorBodySchema.safeParse(parseJson(body));
  if (parsed.success) return toUpstreamError(status, parsed.data.error, retryAfterMs);
  return toUpstreamError(status, { message: plainTextMessage(body) }, retryAfterMs);
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Short plain text is kept (sanitized); HTML pages and long bodies are never echoed. */
function plainTextMessage(body: string): string | undefined {
  const text = body.trim();
  if (text === "" || text.length > 200 || /[<>{}]/.test(text)) return undefined;
  return text;
}

function fallbackMessage(status: number): string {
  return `Anthropic answered HTTP ${status} without a readable error message.`;
}
