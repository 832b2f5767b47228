/**
 * Embeddings: an optional ability, apart from ProviderAdapter (STYLE §3). A provider kind that has
 * no EmbeddingsAdapter does not serve /v1/embeddings; there is no stub that throws.
 */
import type { EmbeddingsRequest } from "@/server/gateway/embeddings/embeddings-request";
import type { GatewayError, ProviderId, Result, Target, UpstreamAuthorizer, UpstreamRequest } from "@/server/gateway/types";

export interface EmbeddingsResult {
  /** One vector per input, in input order: floats, or base64 float32 (little-endian) when the provider encoded it. */
  embeddings: (number[] | string)[];
  /** Undefined when the provider reported no usage (the gateway then estimates). */
  usage?: { inputTokens: number };
}

export interface EmbeddingsAdapter extends UpstreamAuthorizer {
  readonly id: ProviderId;
  /** Pure: no network. A request the provider cannot take at all (e.g. token ids) is an invalid_request. */
  buildEmbeddingsRequest(request: EmbeddingsRequest, target: Target): Result<UpstreamRequest>;
  /**
   * Optional: a provider that takes fewer inputs per call than a request may hold (Bedrock Titan: one) splits the
   * request into parts, each built and sent as its own call; the gateway joins the vectors in input order.
   */
  splitEmbeddingsRequest?(request: EmbeddingsRequest, target: Target): EmbeddingsRequest[];
  /** Parses a successful (2xx) response body (already JSON-decoded); `headers` for usage sent there. */
  parseEmbeddingsResponse(body: unknown, headers?: Headers): Result<EmbeddingsResult>;
  /** The provider's chat adapter's error mapping: error bodies are the same on every endpoint. */
  parseError(status: number, body: string, headers: Headers): GatewayError;
}
