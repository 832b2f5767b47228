/**
 * A prompt longer than the model's context window, reported the way OpenAI reports it: HTTP 400, type
 * invalid_request_error, code context_length_exceeded, param "messages" (https://platform.openai.com/docs/guides/error-codes;
 * the body as OpenAI sends it: https://github.com/Azure-Samples/azure-search-openai-demo/issues/1199). Clients and
 * fallback routers key on that code to trim the history or move to a longer-context model, so every provider's own
 * wording is mapped to it. Each adapter's errors.ts lists the wordings of its provider, with where they were recorded.
 */
import type { GatewayError, ProviderAdapter } from "@/server/gateway/types";

type UpstreamError = Extract<GatewayError, { kind: "upstream" }>;

export const CONTEXT_LENGTH_EXCEEDED = "context_length_exceeded";

/** Statuses a context-window refusal arrives with (some OpenAI-compatible servers answer 413 or 422). */
const REFUSAL_STATUSES = new Set([400, 413, 422]);

/**
 * The error as OpenAI's context_length_exceeded when it already carries that code or its message matches one of the
 * provider's wordings; otherwise unchanged. The provider's message is kept.
 */
export function markContextOverflow(error: UpstreamError, wordings: readonly RegExp[]): UpstreamError {
  if (!REFUSAL_STATUSES.has(error.status)) return error;
  if (error.code !== CONTEXT_LENGTH_EXCEEDED && !wordings.some((wording) => wording.test(error.message))) return error;
  return { ...error, status: 400, type: "invalid_request_error", code: CONTEXT_LENGTH_EXCEEDED, param: "messages" };
}

/** An embeddings adapter's error mapping: the same refusal there names the field that was too long, `input`. */
export function forEmbeddingsInput(parseError: ProviderAdapter["parseError"]): ProviderAdapter["parseError"] {
  return (status, body, headers) => {
    const error = parseError(status, body, headers);
    return error.kind === "upstream" && error.code === CONTEXT_LENGTH_EXCEEDED ? { ...error, param: "input" } : error;
  };
}
