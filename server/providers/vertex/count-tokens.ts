/**
 * Token-count requests for Vertex AI publisher models (both free; authorized by the adapter's async step like chat).
 *
 * - Google models: POST {base}/publishers/google/models/{model}:countTokens with the fields of the translated
 *   GenerateContentRequest that CountTokensRequest takes — contents, systemInstruction?, tools?, generationConfig?
 *   (no toolConfig or safetySettings) → {totalTokens, totalBillableCharacters?, promptTokensDetails?}:
 *   https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.publishers.models/countTokens
 * - Claude models: POST {base}/publishers/anthropic/models/count-tokens:rawPredict (the literal model segment
 *   `count-tokens`); the body is Anthropic's count_tokens body with the Vertex model id in `model` and
 *   `"anthropic_version": "vertex-2023-10-16"`, as Anthropic's Vertex SDK sends it → {input_tokens}:
 *   https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/count-tokens,
 *   https://docs.claude.com/en/api/claude-on-vertex-ai, https://docs.claude.com/en/api/messages-count-tokens
 */
import type { ChatRequest, Target, UpstreamRequest } from "@/server/gateway/types";
import { modelMethodUrl } from "./endpoint";
import { buildRequest, endpointOf, VERTEX_ANTHROPIC_VERSION } from "./request";

/** The GenerateContentRequest fields CountTokensRequest accepts (the rest is refused as unknown). */
const GOOGLE_COUNT_FIELDS = ["contents", "systemInstruction", "tools", "generationConfig"];

/** A Gemini model's count: the chat translation (same warnings) narrowed to what countTokens takes. */
export function buildGoogleCountRequest(request: ChatRequest, target: Target): UpstreamRequest {
  const built = buildRequest({ ...request, stream: false }, target);
  const translated = JSON.parse(built.body) as Record<string, unknown>;
  const body = Object.fromEntries(GOOGLE_COUNT_FIELDS.filter((field) => translated[field] !== undefined).map((field) => [field, translated[field]]));
  const url = modelMethodUrl(endpointOf(target), target.upstreamModel, "countTokens");
  return { url, headers: built.headers, body: JSON.stringify(body), warnings: built.warnings };
}

/** A Claude model's count: Anthropic's count_tokens body (built by the caller from the client's request). */
export function buildClaudeCountRequest(anthropicCountBody: Record<string, unknown>, target: Target): UpstreamRequest {
  const url = `${endpointOf(target).base}/publishers/anthropic/models/count-tokens:rawPredict`;
  const body = { anthropic_version: VERTEX_ANTHROPIC_VERSION, ...anthropicCountBody, model: target.upstreamModel };
  return { url, headers: { "content-type": "application/json" }, body: JSON.stringify(body), warnings: [] };
}
