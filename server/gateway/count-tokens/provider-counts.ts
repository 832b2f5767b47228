/**
 * Providers whose own token counter the gateway calls (exact, and free at each):
 *   anthropic  POST {baseUrl}/messages/count_tokens, the client's body with the upstream model id → {input_tokens}
 *              https://docs.claude.com/en/api/messages-count-tokens; the client's `anthropic-beta` header goes along
 *              (the adapter's headers carry it from chatRequest.anthropic_beta)
 *   gemini     POST {baseUrl}/models/{model}:countTokens, {generateContentRequest: {model, …the generateContent body}}
 *              → {totalTokens}; https://ai.google.dev/api/tokens#method:-models.counttokens
 *   vertex     Gemini models: POST {base}/publishers/google/models/{model}:countTokens → {totalTokens};
 *              Claude models: POST {base}/publishers/anthropic/models/count-tokens:rawPredict, the client's body with
 *              the model id (and `anthropic_beta`, as for chat) → {input_tokens}. See server/providers/vertex/count-tokens.ts.
 *   bedrock    Claude models: POST {baseUrl}/model/{foundationModelId}/count-tokens, {input: {converse: …}} →
 *              {inputTokens}; other models are estimated. See server/providers/bedrock/count-tokens.ts.
 * Each reuses the provider adapter's request builder for the URL base and credentials (and, where the body is
 * translated, the translation), so a count sees exactly the conversation /v1/messages would send. Vertex's bearer
 * token is added by the adapter's authorize step in the attempt loop. Other providers have no counter the gateway
 * uses: the caller estimates.
 */
import { z } from "zod";
import { buildCountRequest as buildBedrockCount, isCountUnsupported as isBedrockCountUnsupported } from "@/server/providers/bedrock";
import { buildClaudeCountRequest, buildGoogleCountRequest, publisherFor } from "@/server/providers/vertex";
import type { ChatRequest, GatewayError, ProviderAdapter, ProviderId, Result, Target, UpstreamRequest } from "../types";
import { toAnthropicCountBody, type CountTokensRequest } from "./count-request";

export interface ProviderCount {
  upstreamRequest: UpstreamRequest;
  /** The client's Messages body is forwarded as is (Anthropic's counter), so translation warnings do not apply. */
  forwardsClientBody: boolean;
  readCount(body: unknown): Result<number>;
  /** An error meaning "this model cannot be counted here" (the caller estimates instead). */
  isUnsupported(error: GatewayError): boolean;
}

const anthropicAnswer = z.looseObject({ input_tokens: z.number().int().min(0) });
const googleAnswer = z.looseObject({ totalTokens: z.number().int().min(0).optional() });
const bedrockAnswer = z.looseObject({ inputTokens: z.number().int().min(0) });

function reader<T>(provider: ProviderId, schema: z.ZodType<T>, pick: (answer: T) => number): (body: unknown) => Result<number> {
  return (body) => {
    const parsed = schema.safeParse(body);
    if (parsed.success) return { ok: true, value: pick(parsed.data) };
    return { ok: false, error: { kind: "upstream", provider, status: 502, message: "the provider sent a token count the gateway cannot read" } };
  };
}

const neverUnsupported = () => false;

function anthropicStyle(provider: ProviderId, upstreamRequest: UpstreamRequest): ProviderCount {
  return { upstreamRequest, forwardsClientBody: true, readCount: reader(provider, anthropicAnswer, (answer) => answer.input_tokens), isUnsupported: neverUnsupported };
}

function googleStyle(provider: ProviderId, upstreamRequest: UpstreamRequest): ProviderCount {
  return { upstreamRequest, forwardsClientBody: false, readCount: reader(provider, googleAnswer, (answer) => answer.totalTokens ?? 0), isUnsupported: neverUnsupported };
}

function buildGeminiCount(adapter: ProviderAdapter, chatRequest: ChatRequest, target: Target): ProviderCount | undefined {
  const built = adapter.buildRequest({ ...chatRequest, stream: false }, target);
  const url = new URL(built.url);
  const modelName = decodeURIComponent(url.pathname.match(/\/(models\/[^/:]+):generateContent$/)?.[1] ?? "");
  if (modelName === "") return undefined;
  url.pathname = url.pathname.replace(/:generateContent$/, ":countTokens");
  const body = JSON.stringify({ generateContentRequest: { model: modelName, ...JSON.parse(built.body) } });
  return googleStyle("gemini", { url: url.toString(), headers: built.headers, body, warnings: built.warnings });
}

/** Claude on Vertex takes the beta names in the body (server/providers/vertex/request.ts). */
function withBetas(body: Record<string, unknown>, chatRequest: ChatRequest): Record<string, unknown> {
  return chatRequest.anthropic_beta?.length ? { ...body, anthropic_beta: chatRequest.anthropic_beta } : body;
}

/** The provider's own count request, or undefined when the gateway estimates for this provider or model. */
export function buildProviderCount(adapter: ProviderAdapter, request: CountTokensRequest, chatRequest: ChatRequest, target: Target): ProviderCount | undefined {
  switch (adapter.id) {
    case "anthropic": {
      const { headers } = adapter.buildRequest({ ...chatRequest, stream: false }, target);
      const body = JSON.stringify(toAnthropicCountBody(request, target.upstreamModel));
      return anthropicStyle("anthropic", { url: `${target.baseUrl}/messages/count_tokens`, headers, body, warnings: [] });
    }
    case "gemini":
      return buildGeminiCount(adapter, chatRequest, target);
    case "vertex":
      return publisherFor(target.upstreamModel) === "anthropic"
        ? anthropicStyle("vertex", buildClaudeCountRequest(withBetas(toAnthropicCountBody(request, target.upstreamModel), chatRequest), target))
        : googleStyle("vertex", buildGoogleCountRequest(chatRequest, target));
    case "bedrock": {
      const upstreamRequest = buildBedrockCount(chatRequest, target);
      if (!upstreamRequest) return undefined;
      return { upstreamRequest, forwardsClientBody: false, readCount: reader("bedrock", bedrockAnswer, (answer) => answer.inputTokens), isUnsupported: isBedrockCountUnsupported };
    }
    default:
      return undefined;
  }
}
