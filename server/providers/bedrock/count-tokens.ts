/**
 * Bedrock CountTokens for the Converse shape: POST {baseUrl}/model/{modelId}/count-tokens with
 * {"input": {"converse": {messages, system?, toolConfig?, additionalModelRequestFields?}}} → {"inputTokens": N},
 * SigV4-signed like Converse (by the adapter's authorize step, ./authorize.ts). Free.
 * References:
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CountTokens.html (request, response, errors:
 *   AccessDeniedException 403, ResourceNotFoundException 404, ThrottlingException 429, InternalServerException 500,
 *   ServiceUnavailableException 503, ValidationException 400)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CountTokensInput.html (a union: converse |
 *   invokeModel) and API_runtime_ConverseTokensRequest.html (messages, system, toolConfig, additionalModelRequestFields)
 * - https://docs.aws.amazon.com/bedrock/latest/userguide/count-tokens.html (supported: Anthropic Claude models; the
 *   modelId is a foundation model id, so a cross-Region inference profile `us.anthropic.claude-…` is counted with its
 *   foundation model `anthropic.claude-…` — the tokenizer is the model's, whatever the Region). Other models answer
 *   ValidationException "The provided model doesn't support counting tokens" (isCountUnsupported).
 * The body reuses the Converse translation (./request.ts), so a count sees the conversation /v1/messages would send;
 * inferenceConfig, outputConfig and requestMetadata do not change a count and are not part of the count input.
 */
import type { ChatRequest, GatewayError, Target, UpstreamRequest, Warning } from "@/server/gateway/types";
import { parseBedrockBaseUrl } from "./endpoint";
import { buildConverseBody } from "./request";
import { warnIfUnsignable } from "./credentials";

const CONVERSE_COUNT_FIELDS = ["messages", "system", "toolConfig", "additionalModelRequestFields"];
const INFERENCE_PROFILE_PREFIX = /^[a-z]{2,6}(?:-[a-z]+)?\.(?=anthropic\.)/;

/** The foundation model id CountTokens takes for a Claude model id, profile or ARN; undefined for other models. */
export function countTokensModelId(modelId: string): string | undefined {
  const bare = (modelId.split("/").at(-1) ?? "").replace(INFERENCE_PROFILE_PREFIX, "");
  return /^anthropic\.claude-/.test(bare) ? bare : undefined;
}

/** Bedrock's answer for a model without token counting: the caller estimates instead. */
export function isCountUnsupported(error: GatewayError): boolean {
  return error.kind === "upstream" && error.status === 400 && /(doesn't|does not) support (counting tokens|token counting)/i.test(error.message);
}

/** The CountTokens request (unsigned until the authorize step), or undefined when Bedrock cannot count the model. */
export function buildCountRequest(request: ChatRequest, target: Target): UpstreamRequest | undefined {
  const modelId = countTokensModelId(target.upstreamModel);
  if (!modelId) return undefined;
  const warnings: Warning[] = [];
  const converse = buildConverseBody({ ...request, stream: false }, warnings, target.upstreamModel);
  const counted = Object.fromEntries(CONVERSE_COUNT_FIELDS.filter((field) => converse[field] !== undefined).map((field) => [field, converse[field]]));
  const body = JSON.stringify({ input: { converse: counted } });
  const url = `${parseBedrockBaseUrl(target.baseUrl).origin}/model/${encodeURIComponent(modelId)}/count-tokens`;
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  warnIfUnsignable(target.apiKey, warnings);
  return { url, headers, body, warnings };
}
