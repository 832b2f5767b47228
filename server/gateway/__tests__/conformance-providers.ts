/**
 * What each provider's fake should receive and answer in the conformance matrix (conformance.test.ts).
 * References (the mechanisms asserted as the fake received them):
 *   https://platform.openai.com/docs/api-reference/chat/create            (image_url, response_format, reasoning_effort)
 *   https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference     (same body on the deployments path)
 *   https://api-docs.deepseek.com/api/create-chat-completion               (OpenAI-compatible; served here by the OpenAI fake)
 *   https://docs.claude.com/en/api/messages                                (image source base64, output_config.format, thinking)
 *   https://platform.claude.com/docs/en/build-with-claude/structured-outputs  (output_config.format {type:"json_schema", schema} in)
 *   https://ai.google.dev/api/generate-content                             (inlineData, responseMimeType/responseJsonSchema, thinkingConfig)
 */
import type { ProviderId } from "../types";
import { ANSWER_SCHEMA, PNG_BASE64, PNG_DATA_URL, type Feature, type Inbound } from "./conformance-cells";

export type CellResult = "pass" | "warning" | "400" | "not modelled";
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- recorded fake bodies

/** How one feature behaves for one provider: the result and, for request-side features, what the fake must receive. */
export interface FeatureExpectation {
  result: CellResult;
  note?: string;
  /** Reads the mechanism from the body the fake received. */
  received?: (body: Json) => unknown;
  expected?: unknown;
  /** Warnings beyond the provider's base warnings, as `code:param` in x-modelgate-warnings. */
  warnings?: string[];
  /** For a 400: the error message the client sees. */
  errorMessage?: string;
}

export interface ProviderCase {
  label: string;
  kind: ProviderId;
  fake: "openai" | "anthropic" | "gemini" | "azure";
  /** The public model name per feature (a reasoning model where the provider needs one). */
  model(feature: Feature): string;
  toolArguments: Record<string, unknown>;
  /** Warnings every request through this inbound API carries for this provider. */
  baseWarnings(inbound: Inbound): string[];
  features: Partial<Record<Feature, FeatureExpectation>>;
}

const openAIImage = { type: "image_url", image_url: { url: PNG_DATA_URL } };
const openAIFormat = { type: "json_schema", json_schema: { name: "answer", strict: true, schema: ANSWER_SCHEMA } };
const reasoningNote = "reasoning_effort mapped as asserted; reasoning output: fake: not modelled";

const openAIShaped = {
  image: { result: "pass", received: (body: Json) => body.messages[0].content[1], expected: openAIImage },
  json_schema: { result: "pass", received: (body: Json) => body.response_format ?? null, expected: openAIFormat },
} satisfies Partial<Record<Feature, FeatureExpectation>>;

export const providerCases: ProviderCase[] = [
  {
    label: "openai",
    kind: "openai",
    fake: "openai",
    model: (feature) => (feature === "reasoning" ? "openai-o4-mini" : "openai-gpt-4o-mini"),
    toolArguments: { location: "Paris", unit: "celsius" },
    baseWarnings: () => [],
    features: { ...openAIShaped, reasoning: { result: "not modelled", note: `o4-mini; ${reasoningNote}`, received: (body) => body.reasoning_effort, expected: "low" } },
  },
  {
    label: "azure",
    kind: "azure",
    fake: "azure",
    model: () => "azure-gpt-4o-mini",
    toolArguments: { location: "Paris", unit: "celsius" },
    baseWarnings: () => [],
    features: {
      ...openAIShaped,
      reasoning: { result: "400", note: "the fake's deployments are non-reasoning models", received: (body) => body.reasoning_effort, expected: "low", errorMessage: "azure: Unrecognized request argument supplied: reasoning_effort" },
    },
  },
  {
    label: "deepseek",
    kind: "deepseek",
    fake: "openai",
    model: () => "deepseek-chat",
    toolArguments: { location: "Paris", unit: "celsius" },
    baseWarnings: (inbound) => (inbound === "messages" ? ["renamed_parameter:max_completion_tokens"] : []),
    features: {
      image: { ...openAIShaped.image, result: "not modelled", note: "passed through; served by the OpenAI fake, DeepSeek's answer: fake: not modelled" },
      json_schema: { ...openAIShaped.json_schema, result: "not modelled", note: "passed through; served by the OpenAI fake, DeepSeek's answer: fake: not modelled" },
      reasoning: {
        result: "not modelled",
        note: "passed through; the OpenAI fake (gpt-4o-mini) refuses it, DeepSeek's answer: fake: not modelled",
        received: (body) => body.reasoning_effort,
        expected: "low",
        errorMessage: "deepseek: Unrecognized request argument supplied: reasoning_effort",
      },
    },
  },
  {
    label: "anthropic",
    kind: "anthropic",
    fake: "anthropic",
    model: () => "claude-haiku-4-5",
    toolArguments: { location: "Paris" },
    baseWarnings: () => [],
    features: {
      image: { result: "pass", received: (body) => body.messages[0].content[1], expected: { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_BASE64 } } },
      json_schema: { result: "pass", received: (body) => body.output_config ?? null, expected: { format: { type: "json_schema", schema: ANSWER_SCHEMA } } },
      reasoning: { result: "not modelled", note: "thinking.budget_tokens 1024 as asserted; thinking output: fake: not modelled", received: (body) => body.thinking, expected: { type: "enabled", budget_tokens: 1024 } },
    },
  },
  {
    label: "gemini",
    kind: "gemini",
    fake: "gemini",
    model: () => "gemini-2.5-flash",
    toolArguments: { location: "fake" },
    baseWarnings: () => [],
    features: {
      image: { result: "pass", received: (body) => body.contents[0].parts[1], expected: { inlineData: { mimeType: "image/png", data: PNG_BASE64 } } },
      json_schema: {
        result: "pass",
        received: ({ generationConfig: config = {} }) => (config.responseJsonSchema ? { responseMimeType: config.responseMimeType, responseJsonSchema: config.responseJsonSchema } : null),
        expected: { responseMimeType: "application/json", responseJsonSchema: ANSWER_SCHEMA },
      },
      reasoning: { result: "not modelled", note: "thinkingConfig.thinkingBudget 1024 as asserted; thought output: fake: not modelled", received: (body) => body.generationConfig?.thinkingConfig, expected: { thinkingBudget: 1024, includeThoughts: true } },
    },
  },
];

/**
 * /v1/messages translates output_config.format to the same response_format as chat, so each provider gets the same
 * native mechanism; only the OpenAI-shaped name differs: Anthropic's format has none, so the gateway names it "response".
 */
export function messagesJsonSchema(provider: ProviderCase): FeatureExpectation {
  const base = provider.features.json_schema!;
  return base.expected === openAIFormat ? { ...base, expected: { ...openAIFormat, json_schema: { ...openAIFormat.json_schema, name: "response" } } } : base;
}
