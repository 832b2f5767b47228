/**
 * OpenAI error bodies → GatewayError.
 * Reference: https://platform.openai.com/docs/guides/error-codes
 *            https://help.openai.com/en/articles/6891839-api-error-code-guidance
 * Body shape: {"error": {"message": string, "type": string, "param": string | null, "code": string | null}}.
 */
import { z } from "zod";
import { parseRetryAfter, sanitizeUpstreamMessage } from "@/server/gateway/errors";
import type { GatewayError, ProviderId } from "@/server/gateway/types";
import { markContextOverflow } from "../context-window";

export const errorObjectSchema = z.looseObject({
  message: z.string().nullish(),
  type: z.string().nullish(),
  // Some OpenAI-compatible servers put the HTTP status (a number) in `code`.
  code: z.union([z.string(), z.number()]).nullish(),
  param: z.string().nullish(),
});
export type ErrorObject = z.infer<typeof errorObjectSchema>;

/** OpenAI's {error:{...}}, then shapes some compatible servers use: {error:"..."}, {message}, {detail}. */
const errorBodySchema = z.union([
  z.looseObject({ error: errorObjectSchema }).transform((body): ErrorObject => body.error),
  z.looseObject({ error: z.string() }).transform((body): ErrorObject => ({ message: body.error })),
  z.looseObject({ message: z.string() }).transform((body): ErrorObject => ({ message: body.message })),
  z.looseObject({ detail: z.string() }).transform((body): ErrorObject => ({ message: body.detail })),
]);

const REASON_PHRASES: Record<number, string> = {
  400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 408: "Request Timeout", 409: "Conflict",
  413: "Payload Too Large", 422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error",
  502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
};

type UpstreamError = Extract<GatewayError, { kind: "upstream" }>;

/**
 * OpenAI's context-window wording without the code (older answers, and the servers that copy it: DeepSeek,
 * https://github.com/evalstate/fast-agent/issues/621; vLLM; OpenRouter's "This endpoint's maximum context length is").
 */
const CONTEXT_OVERFLOW = [/maximum context length is \d+ tokens/i];

/** `contextOverflow`: the provider's own wordings of a context-window refusal (the contextOverflowMessages quirk). */
export function parseError(provider: ProviderId, status: number, body: string, headers: Headers, contextOverflow: readonly RegExp[] = []): GatewayError {
  const error: UpstreamError = { kind: "upstream", provider, status, message: "" };
  const object = readErrorObject(body);
  error.message = sanitizeUpstreamMessage(object?.message || fallbackMessage(status, body));
  if (object?.type) error.type = object.type;
  if (object?.code != null && object.code !== "") error.code = String(object.code);
  if (object?.param) error.param = object.param;
  const retryAfterMs = parseRetryAfter(headers);
  if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
  return markContextOverflow(error, [...CONTEXT_OVERFLOW, ...contextOverflow]);
}

/** An error object that arrived inside a 200 stream: the status is inferred from its type/code. */
export function toStreamError(provider: ProviderId, object: ErrorObject | undefined): UpstreamError {
  const error: UpstreamError = { kind: "upstream", provider, status: statusOfErrorObject(object), message: sanitizeUpstreamMessage(object?.message || "upstream stream error") };
  if (object?.type) error.type = object.type;
  if (object?.code != null && object.code !== "") error.code = String(object.code);
  if (object?.param) error.param = object.param;
  return error;
}

export function statusOfErrorObject(object: ErrorObject | undefined): number {
  const code = object?.code;
  if (typeof code === "number" && code >= 400 && code <= 599) return code;
  const type = object?.type ?? "";
  if (code === "rate_limit_exceeded" || type === "rate_limit_error" || type === "tokens" || type === "requests") return 429;
  if (/overloaded/i.test(object?.message ?? "") || type === "overloaded_error") return 503;
  if (type === "invalid_request_error") return 400;
  return 500;
}

function readErrorObject(body: string): ErrorObject | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = errorBodySchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Short plain-text bodies are kept; HTML pages and long bodies become the status line. */
function fallbackMessage(status: number, body: string): string {
  const text = body.trim();
  const isHtml = /^<|<html|<!doctype/i.test(text);
  if (text !== "" && !isHtml && text.length <= 200 && !text.startsWith("{")) return text;
  return `HTTP ${status}${REASON_PHRASES[status] ? ` ${REASON_PHRASES[status]}` : ""}`;
}
