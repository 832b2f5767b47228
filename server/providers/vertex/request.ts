/**
 * OpenAI chat request → a Vertex AI publisher-model request. The bodies are the publishers' own formats, built by
 * the Gemini and Anthropic adapters; only the URL, the auth and a few body fields differ.
 *
 * - Google models: POST {base}/publishers/google/models/{model}:generateContent, or :streamGenerateContent?alt=sse
 *   (SSE), with the Gemini GenerateContentRequest body:
 *   https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.publishers.models/generateContent
 *   https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.publishers.models/streamGenerateContent
 * - Claude models: POST {base}/publishers/anthropic/models/{model}:rawPredict, or :streamRawPredict, with the Messages
 *   body minus `model` (it is in the URL) plus `"anthropic_version": "vertex-2023-10-16"` (instead of the
 *   anthropic-version header): https://docs.claude.com/en/api/claude-on-vertex-ai,
 *   https://cloud.google.com/vertex-ai/generative-ai/docs/partner-models/claude/use-claude
 *   Anthropic betas (the `anthropic_beta` extension) go in the body as `"anthropic_beta": [names]`, next to
 *   anthropic_version, not as the `anthropic-beta` header: Vertex's rawPredict reads the body field and validates the
 *   header against its own short list (e.g. it refuses `context-1m-2025-08-07` there). Evidence, Google documents no
 *   beta field itself: https://github.com/anthropics/anthropic-sdk-python/pull/1139,
 *   https://github.com/BerriAI/litellm/pull/20666, https://github.com/BerriAI/litellm/pull/31607.
 * The publisher follows from the upstream model id (`claude-*` → anthropic, else google; ./endpoint.ts). The
 * `authorization` header is added later by the async authorize step (./authorize.ts): buildRequest stays pure.
 */
import type { ChatRequest, Target, UpstreamRequest } from "@/server/gateway/types";
import { anthropicBetas, buildMessagesBody } from "../anthropic/request";
import { buildRequest as buildGeminiRequest } from "../gemini/request";
import { modelMethodUrl, parseVertexBaseUrl, publisherFor, type VertexEndpoint } from "./endpoint";

export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

/** A stored base URL that does not name project and location falls back to itself as the base (requests then 404). */
export function endpointOf(target: Target): VertexEndpoint {
  return parseVertexBaseUrl(target.baseUrl) ?? { base: target.baseUrl.replace(/\/+$/, ""), origin: target.baseUrl, project: "", location: "" };
}

function buildClaudeRequest(request: ChatRequest, target: Target, endpoint: VertexEndpoint): UpstreamRequest {
  const { body, warnings } = buildMessagesBody(request, target);
  const { model: _model, ...rest } = body;
  void _model;
  const url = modelMethodUrl(endpoint, target.upstreamModel, request.stream ? "streamRawPredict" : "rawPredict");
  const betas = anthropicBetas(request);
  const vertexBody = { anthropic_version: VERTEX_ANTHROPIC_VERSION, ...(betas ? { anthropic_beta: betas } : {}), ...rest };
  return { url, headers: { "content-type": "application/json" }, body: JSON.stringify(vertexBody), warnings };
}

function buildGoogleRequest(request: ChatRequest, target: Target, endpoint: VertexEndpoint): UpstreamRequest {
  // The Gemini adapter builds {baseUrl}/models/{model}:method; on Vertex the same body goes to the publisher's path.
  const built = buildGeminiRequest(request, { ...target, apiKey: "" });
  const url = modelMethodUrl(endpoint, target.upstreamModel, request.stream ? "streamGenerateContent?alt=sse" : "generateContent");
  return { ...built, url, headers: { "content-type": "application/json" } };
}

export function buildRequest(request: ChatRequest, target: Target): UpstreamRequest {
  const endpoint = endpointOf(target);
  return publisherFor(target.upstreamModel) === "anthropic" ? buildClaudeRequest(request, target, endpoint) : buildGoogleRequest(request, target, endpoint);
}
