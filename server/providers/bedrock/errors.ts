/**
 * Bedrock runtime errors → GatewayError.
 *
 * References:
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors
 *   (AccessDeniedException 403, InternalServerException 500, ModelErrorException 424, ModelNotReadyException 429,
 *   ModelTimeoutException 408, ResourceNotFoundException 404, ServiceUnavailableException 503, ThrottlingException 429,
 *   ValidationException 400)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/CommonErrors.html (UnrecognizedClientException,
 *   InvalidSignatureException: 403)
 * - The error type is the `x-amzn-errortype` header (`ThrottlingException:http://internal.amazon.com/…`); the body is
 *   `{"message": "…"}`. In a ConverseStream, the same types arrive as exception messages (lower camel case).
 * The gateway's statuses follow the brief: ModelNotReadyException → 503 (not ready is a service condition), ModelTimeoutException → 504.
 */
import { z } from "zod";
import { parseRetryAfter, sanitizeUpstreamMessage } from "@/server/gateway/errors";
import type { GatewayError } from "@/server/gateway/types";
import { markContextOverflow } from "../context-window";

const STATUS_BY_TYPE: Record<string, number> = {
  ValidationException: 400,
  AccessDeniedException: 403,
  UnrecognizedClientException: 403,
  InvalidSignatureException: 403,
  ResourceNotFoundException: 404,
  ModelErrorException: 424,
  ModelStreamErrorException: 424,
  ThrottlingException: 429,
  ServiceQuotaExceededException: 429,
  InternalServerException: 500,
  ModelNotReadyException: 503,
  ServiceUnavailableException: 503,
  ModelTimeoutException: 504,
};

/**
 * A prompt over the context window (ValidationException, 400), reported as context_length_exceeded:
 *   "Input is too long for requested model."  https://github.com/aws-samples/assessment-generator/issues/2,
 *     https://github.com/anthropics/claude-code/issues/8637
 *   "The model returned the following errors: prompt is too long: 227255 tokens > 200000 maximum" (Claude)
 *     https://github.com/aaif-goose/goose/pull/7504
 */
const CONTEXT_OVERFLOW = [/Input is too long for requested model/i, /prompt is too long: \d+ tokens > \d+ maximum/, /input length and `max_tokens` exceed context limit/];

const errorBodySchema = z.looseObject({ message: z.string().optional(), Message: z.string().optional() });

/** `throttlingException` or `ThrottlingException:http://…` → `ThrottlingException`. */
export function normalizeErrorType(raw: string | null | undefined): string | undefined {
  const type = raw?.split(":")[0].trim();
  return type ? type[0].toUpperCase() + type.slice(1) : undefined;
}

export function toUpstreamError(type: string | undefined, fallbackStatus: number, message: string | undefined, retryAfterMs?: number): GatewayError {
  const status = (type && STATUS_BY_TYPE[type]) || fallbackStatus;
  const error: Extract<GatewayError, { kind: "upstream" }> = {
    kind: "upstream",
    provider: "bedrock",
    status,
    message: message ? sanitizeUpstreamMessage(message) : `Bedrock answered ${type ?? `HTTP ${fallbackStatus}`} without a readable message.`,
  };
  if (type) error.type = type;
  if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
  return type === "ValidationException" ? markContextOverflow(error, CONTEXT_OVERFLOW) : error;
}

export function parseError(status: number, body: string, headers: Headers): GatewayError {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const parsed = errorBodySchema.safeParse(json);
  const message = parsed.success ? (parsed.data.message ?? parsed.data.Message) : undefined;
  const type = normalizeErrorType(headers.get("x-amzn-errortype")) ?? normalizeErrorType(parsed.success ? (parsed.data.__type as string | undefined)?.split("#").at(-1) : undefined);
  return toUpstreamError(type, status, message, parseRetryAfter(headers));
}
