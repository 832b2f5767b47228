import type { ProviderId } from "@/server/gateway/types";

/**
 * The built-in catalog enabled on first start for each provider that has a key in the
 * environment. Standard-tier list prices in USD per 1M tokens, as published on 2026-11-27:
 *   OpenAI    https://platform.openai.com/docs/pricing  (embeddings: text-embedding-3-small $0.02, text-embedding-3-large
 *             $0.13 per 1M input tokens, also on https://developers.openai.com/api/docs/models/text-embedding-3-large)
 *   Anthropic https://platform.claude.com/docs/en/about-claude/pricing  (cache writes: 5-minute rate)
 *   Google    https://ai.google.dev/gemini-api/docs/pricing  (Gemini 2.5 Pro: the ≤200k-token prompt tier; Gemini Embedding,
 *             gemini-embedding-001: $0.15 per 1M input tokens, paid tier)
 *   DeepSeek  https://api-docs.deepseek.com/quick_start/pricing  (cached input: the cache-hit rate)
 *   Mistral   https://mistral.ai/pricing#api-pricing  (Mistral Embed, mistral-embed: $0.10 per 1M input tokens)
 *   Qwen      https://www.alibabacloud.com/help/en/model-studio/models  (international deployment, Singapore; lowest prompt tier)
 *   Groq      https://groq.com/pricing
 *   Azure     https://azure.microsoft.com/en-us/pricing/details/cognitive-services/openai-service/  (Global deployment,
 *             pay-as-you-go; gpt-4o-mini 2024-07-18 and gpt-4.1 2025-04-14). The upstream id is the deployment name,
 *             assumed equal to the model name; change it in Models when a deployment is named otherwise.
 *   Bedrock   https://aws.amazon.com/bedrock/pricing/  (on-demand, us-east-1. Claude Haiku 4.5 through the `us.` geo
 *             inference profile: Anthropic's list price plus the 10% regional-endpoint premium that applies from the 4.5
 *             models on, https://platform.claude.com/docs/en/about-claude/pricing (third-party platforms); cache writes:
 *             5-minute rate. Amazon Nova Lite in-region; cached input at the 75% discount.)
 *   Vertex    https://cloud.google.com/vertex-ai/generative-ai/pricing  (online, pay-as-you-go. Gemini 2.5 Flash at the same list
 *             price as the Gemini API; gemini-embedding-001 $0.15 per 1M input tokens. text-embedding-005 is left out: it
 *             is billed per character, which a per-token ledger cannot price exactly. Claude Sonnet 4.5 (Vertex id
 *             claude-sonnet-4-5@20250929): Anthropic's list price on the `global` endpoint, plus the 10% premium at a
 *             regional endpoint (`regional`), https://docs.claude.com/en/api/claude-on-vertex-ai ("Global vs regional
 *             endpoints") and https://platform.claude.com/docs/en/about-claude/pricing (third-party platforms).)
 * Prices are data, editable in the console (Models) or the admin API; edits add a new
 * effective-dated price row and never rewrite what past requests cost.
 */
export interface CatalogEntry {
  provider: ProviderId;
  name: string;
  upstreamModel: string;
  contextWindow: number;
  maxOutputTokens: number;
  input: string;
  output: string;
  cachedInput: string | null;
  cacheWrite: string | null;
  /**
   * 1-hour cache writes where they have their own price (Anthropic: 2x base input, 5-minute writes 1.25x,
   * https://platform.claude.com/docs/en/build-with-claude/prompt-caching#pricing); absent: billed at cacheWrite.
   */
  cacheWrite1h?: string;
  /** Prices at a regional endpoint where they differ from the global one (Vertex: Claude Sonnet 4.5 and later, +10%). */
  regional?: { input: string; output: string; cachedInput: string | null; cacheWrite: string | null; cacheWrite1h?: string };
}

export const PRICES_AS_OF = "2026-11-27";

export const modelCatalog: CatalogEntry[] = [
  { provider: "openai", name: "gpt-4o-mini", upstreamModel: "gpt-4o-mini", contextWindow: 128_000, maxOutputTokens: 16_384, input: "0.15", output: "0.60", cachedInput: "0.075", cacheWrite: null },
  { provider: "openai", name: "gpt-4o", upstreamModel: "gpt-4o", contextWindow: 128_000, maxOutputTokens: 16_384, input: "2.50", output: "10.00", cachedInput: "1.25", cacheWrite: null },
  { provider: "openai", name: "gpt-4.1", upstreamModel: "gpt-4.1", contextWindow: 1_047_576, maxOutputTokens: 32_768, input: "2.00", output: "8.00", cachedInput: "0.50", cacheWrite: null },
  { provider: "openai", name: "gpt-4.1-mini", upstreamModel: "gpt-4.1-mini", contextWindow: 1_047_576, maxOutputTokens: 32_768, input: "0.40", output: "1.60", cachedInput: "0.10", cacheWrite: null },
  { provider: "openai", name: "gpt-4.1-nano", upstreamModel: "gpt-4.1-nano", contextWindow: 1_047_576, maxOutputTokens: 32_768, input: "0.10", output: "0.40", cachedInput: "0.025", cacheWrite: null },
  // Embeddings (POST /v1/embeddings), here and below: input tokens only; contextWindow is the longest input, no output.
  { provider: "openai", name: "text-embedding-3-small", upstreamModel: "text-embedding-3-small", contextWindow: 8_191, maxOutputTokens: 0, input: "0.02", output: "0", cachedInput: null, cacheWrite: null },
  { provider: "openai", name: "text-embedding-3-large", upstreamModel: "text-embedding-3-large", contextWindow: 8_191, maxOutputTokens: 0, input: "0.13", output: "0", cachedInput: null, cacheWrite: null },
  { provider: "anthropic", name: "claude-sonnet-4-5", upstreamModel: "claude-sonnet-4-5-20250929", contextWindow: 200_000, maxOutputTokens: 64_000, input: "3.00", output: "15.00", cachedInput: "0.30", cacheWrite: "3.75", cacheWrite1h: "6.00" },
  { provider: "anthropic", name: "claude-haiku-4-5", upstreamModel: "claude-haiku-4-5-20251001", contextWindow: 200_000, maxOutputTokens: 64_000, input: "1.00", output: "5.00", cachedInput: "0.10", cacheWrite: "1.25", cacheWrite1h: "2.00" },
  { provider: "anthropic", name: "claude-opus-4-5", upstreamModel: "claude-opus-4-5-20251101", contextWindow: 200_000, maxOutputTokens: 64_000, input: "5.00", output: "25.00", cachedInput: "0.50", cacheWrite: "6.25", cacheWrite1h: "10.00" },
  { provider: "gemini", name: "gemini-2.5-flash", upstreamModel: "gemini-2.5-flash", contextWindow: 1_048_576, maxOutputTokens: 65_536, input: "0.30", output: "2.50", cachedInput: "0.03", cacheWrite: null },
  { provider: "gemini", name: "gemini-2.5-pro", upstreamModel: "gemini-2.5-pro", contextWindow: 1_048_576, maxOutputTokens: 65_536, input: "1.25", output: "10.00", cachedInput: "0.125", cacheWrite: null },
  { provider: "gemini", name: "gemini-2.5-flash-lite", upstreamModel: "gemini-2.5-flash-lite", contextWindow: 1_048_576, maxOutputTokens: 65_536, input: "0.10", output: "0.40", cachedInput: "0.01", cacheWrite: null },
  { provider: "gemini", name: "gemini-embedding-001", upstreamModel: "gemini-embedding-001", contextWindow: 2_048, maxOutputTokens: 0, input: "0.15", output: "0", cachedInput: null, cacheWrite: null },
  { provider: "deepseek", name: "deepseek-chat", upstreamModel: "deepseek-chat", contextWindow: 128_000, maxOutputTokens: 8_192, input: "0.28", output: "0.42", cachedInput: "0.028", cacheWrite: null },
  { provider: "deepseek", name: "deepseek-reasoner", upstreamModel: "deepseek-reasoner", contextWindow: 128_000, maxOutputTokens: 65_536, input: "0.28", output: "0.42", cachedInput: "0.028", cacheWrite: null },
  { provider: "mistral", name: "mistral-small-latest", upstreamModel: "mistral-small-latest", contextWindow: 128_000, maxOutputTokens: 128_000, input: "0.10", output: "0.30", cachedInput: null, cacheWrite: null },
  { provider: "mistral", name: "mistral-embed", upstreamModel: "mistral-embed", contextWindow: 8_192, maxOutputTokens: 0, input: "0.10", output: "0", cachedInput: null, cacheWrite: null },
  { provider: "qwen", name: "qwen-plus", upstreamModel: "qwen-plus", contextWindow: 131_072, maxOutputTokens: 16_384, input: "0.40", output: "1.20", cachedInput: null, cacheWrite: null },
  { provider: "azure", name: "gpt-4o-mini", upstreamModel: "gpt-4o-mini", contextWindow: 128_000, maxOutputTokens: 16_384, input: "0.15", output: "0.60", cachedInput: "0.075", cacheWrite: null },
  { provider: "azure", name: "gpt-4.1", upstreamModel: "gpt-4.1", contextWindow: 1_047_576, maxOutputTokens: 32_768, input: "2.00", output: "8.00", cachedInput: "0.50", cacheWrite: null },
  { provider: "bedrock", name: "claude-haiku-4-5", upstreamModel: "us.anthropic.claude-haiku-4-5-20251001-v1:0", contextWindow: 200_000, maxOutputTokens: 64_000, input: "1.10", output: "5.50", cachedInput: "0.11", cacheWrite: "1.375" },
  { provider: "bedrock", name: "nova-lite", upstreamModel: "amazon.nova-lite-v1:0", contextWindow: 300_000, maxOutputTokens: 10_000, input: "0.06", output: "0.24", cachedInput: "0.015", cacheWrite: null },
  // Bedrock embeddings: Titan Text Embeddings V2 $0.00002 and Cohere Embed 3 English $0.0001 per 1,000 input tokens
  // (Bedrock pricing page, on-demand).
  { provider: "bedrock", name: "titan-embed-text-v2", upstreamModel: "amazon.titan-embed-text-v2:0", contextWindow: 8_192, maxOutputTokens: 0, input: "0.02", output: "0", cachedInput: null, cacheWrite: null },
  { provider: "bedrock", name: "cohere-embed-english-v3", upstreamModel: "cohere.embed-english-v3", contextWindow: 512, maxOutputTokens: 0, input: "0.10", output: "0", cachedInput: null, cacheWrite: null },
  { provider: "vertex", name: "gemini-2.5-flash", upstreamModel: "gemini-2.5-flash", contextWindow: 1_048_576, maxOutputTokens: 65_536, input: "0.30", output: "2.50", cachedInput: "0.03", cacheWrite: null },
  { provider: "vertex", name: "claude-sonnet-4-5", upstreamModel: "claude-sonnet-4-5@20250929", contextWindow: 200_000, maxOutputTokens: 64_000, input: "3.00", output: "15.00", cachedInput: "0.30", cacheWrite: "3.75", cacheWrite1h: "6.00", regional: { input: "3.30", output: "16.50", cachedInput: "0.33", cacheWrite: "4.125", cacheWrite1h: "6.60" } },
  { provider: "vertex", name: "gemini-embedding-001", upstreamModel: "gemini-embedding-001", contextWindow: 2_048, maxOutputTokens: 0, input: "0.15", output: "0", cachedInput: null, cacheWrite: null },
  { provider: "groq", name: "llama-3.3-70b-versatile", upstreamModel: "llama-3.3-70b-versatile", contextWindow: 131_072, maxOutputTokens: 32_768, input: "0.59", output: "0.79", cachedInput: null, cacheWrite: null },
];
