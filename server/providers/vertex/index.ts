/**
 * Google Cloud Vertex AI adapter: Gemini models (generateContent) and Claude models (rawPredict) in one project and
 * location, authorized with a service account (OAuth 2.0 JWT bearer grant) or a ready access token.
 * Each file cites the pages it follows: ./endpoint.ts, ./request.ts, ./response.ts, ./errors.ts, ./authorize.ts.
 */
import type { ProviderAdapter } from "@/server/gateway/types";
import { vertexAuthorizer } from "./authorize";
import { parseError } from "./errors";
import { buildRequest } from "./request";
import { publisherFor } from "./endpoint";
import { parseResponse, parseStream } from "./response";

export const vertex: ProviderAdapter = {
  id: "vertex",
  // Image URLs are downloaded by the gateway (SSRF-guarded) and sent inline as base64, which both publishers accept;
  // URL image sources (Gemini fileData over https, Claude's url source) are not relied on through Vertex.
  remoteImages: "fetch",
  // Claude (rawPredict) returns one answer per call, fanned out by the gateway; Gemini models take n as candidateCount.
  maxChoicesPerCall: (target) => (publisherFor(target.upstreamModel) === "anthropic" ? 1 : undefined),
  buildRequest,
  parseResponse,
  parseStream,
  parseError,
  authorize: vertexAuthorizer.authorize,
  onUnauthorized: vertexAuthorizer.onUnauthorized,
};

export { createVertexAuthorizer, exchangeServiceAccountToken, vertexAuthorizer } from "./authorize";
export { parseVertexCredential, projectIdOf, describeServiceAccountProblem, type ServiceAccount } from "./credential";
export { DEFAULT_LOCATION, parseVertexBaseUrl, publisherFor, vertexBaseUrl, vertexHost, type VertexEndpoint } from "./endpoint";
export { buildClaudeCountRequest, buildGoogleCountRequest } from "./count-tokens";
