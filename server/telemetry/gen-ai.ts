import type { ProviderId } from "@/server/gateway/types";

/**
 * OpenTelemetry GenAI semantic conventions (status: Development), as of semantic-conventions 1.45.0:
 * https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/ (inference span: name "{operation} {model}",
 * kind CLIENT; `gen_ai.operation.name`, `gen_ai.provider.name`, `gen_ai.request.*`, `gen_ai.response.model`,
 * `gen_ai.usage.*`) and the attribute registry https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/.
 * The names are written out here rather than imported from `@opentelemetry/semantic-conventions/incubating`
 * so the hot path never loads that package when tracing is off.
 */
export const GEN_AI = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  requestMaxTokens: "gen_ai.request.max_tokens",
  requestTemperature: "gen_ai.request.temperature",
  requestTopP: "gen_ai.request.top_p",
  requestStream: "gen_ai.request.stream",
  requestChoiceCount: "gen_ai.request.choice.count",
  responseModel: "gen_ai.response.model",
  usageInputTokens: "gen_ai.usage.input_tokens",
  usageOutputTokens: "gen_ai.usage.output_tokens",
  usageCacheReadInputTokens: "gen_ai.usage.cache_read.input_tokens",
  usageCacheCreationInputTokens: "gen_ai.usage.cache_creation.input_tokens",
  usageReasoningOutputTokens: "gen_ai.usage.reasoning.output_tokens",
} as const;

/** `gen_ai.provider.name` well-known values; providers without one keep modelgate's id (the convention allows custom values). */
const PROVIDER_NAMES: Partial<Record<ProviderId, string>> = {
  openai: "openai",
  anthropic: "anthropic",
  gemini: "gcp.gemini",
  vertex: "gcp.vertex_ai",
  bedrock: "aws.bedrock",
  azure: "azure.ai.openai",
  deepseek: "deepseek",
  mistral: "mistral_ai",
  groq: "groq",
  xai: "x_ai",
};

export function genAiProviderName(provider: ProviderId): string {
  return PROVIDER_NAMES[provider] ?? provider;
}

/** `gen_ai.operation.name` for a gateway endpoint: chat for the three chat APIs, embeddings, or the endpoint's own name. */
export function genAiOperationName(endpoint: string): string {
  if (endpoint === "/v1/embeddings") return "embeddings";
  if (endpoint === "/v1/messages/count_tokens") return "count_tokens";
  return "chat";
}
