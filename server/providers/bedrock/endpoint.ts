/**
 * Bedrock runtime endpoints and credentials.
 *
 * References:
 * - https://docs.aws.amazon.com/general/latest/gr/bedrock.html (runtime endpoints `bedrock-runtime.{region}.amazonaws.com`,
 *   FIPS `bedrock-runtime-fips.{region}.amazonaws.com`; control plane `bedrock.{region}.amazonaws.com`)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html (POST /model/{modelId}/converse)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html (POST /model/{modelId}/converse-stream)
 *
 * The region comes from the base URL's host. A host that does not name one (a proxy, a VPC endpoint alias, a test
 * double) takes it from a `?region=` query on the base URL, else us-east-1. The signing service name is `bedrock`.
 */
export const DEFAULT_REGION = "us-east-1";
export const SIGNING_SERVICE = "bedrock";

const REGION_IN_HOST = /(?:^|\.)bedrock(?:-runtime)?(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(?:vpce\.)?amazonaws\.com(?:\.cn)?$/;

export interface BedrockEndpoint {
  /** scheme://host[:port][/path] without query or trailing slash. */
  origin: string;
  region: string;
}

export function parseBedrockBaseUrl(baseUrl: string): BedrockEndpoint {
  const url = new URL(baseUrl);
  const region = REGION_IN_HOST.exec(url.hostname)?.[1] ?? url.searchParams.get("region") ?? DEFAULT_REGION;
  return { origin: `${url.origin}${url.pathname.replace(/\/+$/, "")}`, region };
}

/** The model id is one path segment: `us.anthropic.claude-haiku-4-5-20251001-v1:0` is sent as `…-v1%3A0`. */
export function converseUrl(endpoint: BedrockEndpoint, modelId: string, stream: boolean): string {
  return `${endpoint.origin}/model/${encodeURIComponent(modelId)}/${stream ? "converse-stream" : "converse"}`;
}

/** ListFoundationModels on the control-plane host of the same region (the probe). */
export function foundationModelsUrl(endpoint: BedrockEndpoint): string {
  const url = new URL(endpoint.origin);
  if (/^bedrock-runtime(-fips)?\./.test(url.hostname)) url.hostname = url.hostname.replace(/^bedrock-runtime/, "bedrock");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}/foundation-models`;
}
