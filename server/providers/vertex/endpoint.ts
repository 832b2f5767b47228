/**
 * Where a Vertex AI connection sends requests.
 *
 * References:
 * - Regional and global service endpoints, `https://{LOCATION}-aiplatform.googleapis.com` and
 *   `https://aiplatform.googleapis.com` for `global`: https://cloud.google.com/vertex-ai/docs/reference/rest#service-endpoint
 * - Resource paths `v1/projects/{PROJECT}/locations/{LOCATION}/publishers/{google|anthropic}/models/{MODEL}:{method}`:
 *   https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest-rpc
 * A connection's base URL is `https://{LOCATION}-aiplatform.googleapis.com/v1/projects/{PROJECT}/locations/{LOCATION}`.
 * Another origin (a proxy, Private Service Connect) is allowed as long as the path ends in the same
 * `/v1/projects/{p}/locations/{l}`, from which project and location are read back.
 */
/**
 * `global`: Google and Anthropic both recommend it (routed to a region with capacity; Claude Sonnet 4.5 and later carry
 * no regional price premium there). Set a region for data residency.
 */
export const DEFAULT_LOCATION = "global";

const RESOURCE_PATH = /^(.*)\/v1\/projects\/([^/]+)\/locations\/([^/]+)$/;

export interface VertexEndpoint {
  /** The base URL without trailing slash: everything up to and including /locations/{location}. */
  base: string;
  /** Origin and any path prefix before /v1 (a proxy's own prefix). */
  origin: string;
  project: string;
  location: string;
}

export type VertexPublisher = "google" | "anthropic";

/** The Google host for a location: `global` has no regional prefix. */
export function vertexHost(location: string): string {
  return location === "global" ? "https://aiplatform.googleapis.com" : `https://${location}-aiplatform.googleapis.com`;
}

/** The base URL a connection stores. `origin` overrides the Google host (proxy / Private Service Connect). */
export function vertexBaseUrl(project: string, location: string, origin?: string): string {
  const host = (origin || vertexHost(location)).replace(/\/+$/, "");
  return `${host}/v1/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(location)}`;
}

/** Project and location from a stored base URL; undefined when its path is not `/v1/projects/{p}/locations/{l}`. */
export function parseVertexBaseUrl(baseUrl: string): VertexEndpoint | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined;
  }
  const match = RESOURCE_PATH.exec(url.pathname.replace(/\/+$/, ""));
  if (!match) return undefined;
  const [, prefix, project, location] = match;
  const origin = `${url.origin}${prefix}`;
  return { base: `${origin}/v1/projects/${project}/locations/${location}`, origin, project: decodeURIComponent(project), location: decodeURIComponent(location) };
}

/** Claude models are published by Anthropic (`claude-*`); every other model id is Google's. */
export function publisherFor(model: string): VertexPublisher {
  return model.toLowerCase().startsWith("claude-") ? "anthropic" : "google";
}

/** POST target for one method of a publisher model: `generateContent`, `streamRawPredict`, `predict`, … */
export function modelMethodUrl(endpoint: VertexEndpoint, model: string, method: string): string {
  return `${endpoint.base}/publishers/${publisherFor(model)}/models/${encodeURIComponent(model).replace(/%40/g, "@")}:${method}`;
}
