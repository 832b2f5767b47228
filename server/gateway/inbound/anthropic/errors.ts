import { type OpenAIErrorBody, toOpenAIError } from "../../errors";
import type { GatewayError } from "../../types";
import type { EncodedError } from "../inbound-format";

/**
 * GatewayError → Anthropic's error shape, `{"type":"error","error":{"type","message"}}`.
 * Reference: https://docs.claude.com/en/api/errors. The status and message come from the one
 * exhaustive mapping (toOpenAIError); only the body's shape and type names differ.
 */
export interface AnthropicErrorBody {
  type: "error";
  error: { type: string; message: string };
}

export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
    case 405:
    case 408:
    case 415:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
    case 504:
      return "timeout_error";
    default:
      return "api_error";
  }
}

export function toAnthropicError(error: GatewayError): EncodedError & { body: AnthropicErrorBody } {
  const mapped = toOpenAIError(error);
  return { status: mapped.status, headers: mapped.headers, body: { type: "error", error: { type: anthropicErrorType(mapped.status), message: anthropicMessage(mapped.body) } } };
}

/**
 * OpenAI's context_length_exceeded has no code in Anthropic's shape; Anthropic says it as a 400 invalid_request_error
 * "prompt is too long: 208310 tokens > 200000 maximum" (https://github.com/anthropics/claude-code/issues/12186), and
 * Anthropic clients look for that phrase (to compact the history). Any provider's overflow is worded so.
 */
function anthropicMessage(body: OpenAIErrorBody): string {
  const { code, message } = body.error;
  return code === "context_length_exceeded" && !/prompt is too long/i.test(message) ? `prompt is too long: ${message}` : message;
}
