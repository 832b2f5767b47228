/**
 * What each provider's fake should receive and answer in the conformance matrix (conformance.test.ts).
 * References (the mechanisms asserted as the fake received them):
 *   https://platform.openai.com/docs/api-reference/chat/create            (image_url, response_format, reasoning_effort)
 *   https://learn.microsoft.com/en-us/azure/ai-foundry/openai/reference     (same body on the deployments path)
 *   https://api-docs.deepseek.com/api/create-chat-completion               (OpenAI-compatible, text-only content, response_format
 *                                                                           text | json_object; served by the DeepSeek fake)
 *   https://api-docs.deepseek.com/guides/reasoning_model                   (deepseek-reasoner: reasoning_content, reasoning_tokens)
 *   https://api-docs.deepseek.com/guides/function_calling                  (DeepSeek json_schema: sent as a named tool_choice)
 *   https://platform.openai.com/docs/guides/reasoning                      (o-series: reasoning tokens counted, no reasoning text)
 *   https://docs.claude.com/en/api/messages                                (image source base64, output_config.format, thinking)
 *   https://platform.claude.com/docs/en/build-with-claude/structured-outputs  (output_config.format {type:"json_schema", schema} in)
 *   https://ai.google.dev/api/generate-content                             (inlineData, responseMimeType/responseJsonSchema, thinkingConfig)
 *   https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.publishers.models/generateContent
 *                                                                           (Gemini on Vertex: the same GenerateContentRequest body)
 *   https://docs.claude.com/en/api/claude-on-vertex-ai                     (Claude on Vertex: the Messages body without model,
 *                                                                           with anthropic_version vertex-2023-10-16)
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html  (Converse: image.source.bytes, toolConfig,
 *                                                                           additionalModelRequestFields, reasoningContent answers)
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html  (Claude on Bedrock: thinking
 *                                                                           {type:"enabled", budget_tokens} in additionalModelRequestFields)
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/structured-output.html  (Converse outputConfig.textFormat for Claude 4.5+;
 *                                                                           other models: a forced tool, ToolChoice `tool`)
 */
import { FAKE_REASONING, FAKE_TEXT, FAKE_USAGE } from "@/e2e/fakes/common";
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
  /** The answer text, where it is not FAKE_TEXT (a structured answer the fake built from the schema). */
  text?: string;
  /** For a 400: the error message the client sees. */
  errorMessage?: string;
  /**
   * The reasoning feature's output: the reasoning text every inbound API must show ("" when the provider returns none),
   * and the reasoning tokens chat and responses must report in usage (the messages API has no such field).
   */
  reasoning?: { text: string; tokens: number };
}

export interface ProviderCase {
  label: string;
  kind: ProviderId;
  fake: "openai" | "anthropic" | "gemini" | "azure" | "deepseek" | "vertex" | "bedrock";
  /** The public model name per feature (a reasoning model where the provider needs one). */
  model(feature: Feature): string;
  toolArguments: Record<string, unknown>;
  /** Warnings every request through this inbound API carries for this provider. */
  baseWarnings(inbound: Inbound): string[];
  features: Partial<Record<Feature, FeatureExpectation>>;
}

const openAIImage = { type: "image_url", image_url: { url: PNG_DATA_URL } };
const openAIFormat = { type: "json_schema", json_schema: { name: "answer", strict: true, schema: ANSWER_SCHEMA } };

const openAIShaped = {
  image: { result: "pass", received: (body: Json) => body.messages[0].content[1], expected: openAIImage },
  json_schema: { result: "pass", received: (body: Json) => body.response_format ?? null, expected: openAIFormat },
} satisfies Partial<Record<Feature, FeatureExpectation>>;

const anthropicShaped: Partial<Record<Feature, FeatureExpectation>> = {
  image: { result: "pass", received: (body) => body.messages[0].content[1], expected: { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_BASE64 } } },
  json_schema: { result: "pass", received: (body) => body.output_config ?? null, expected: { format: { type: "json_schema", schema: ANSWER_SCHEMA } } },
  reasoning: {
    result: "pass",
    note: "thinking.budget_tokens 1024 as asserted; Anthropic's usage has no thinking token count (reasoning_tokens 0)",
    received: (body) => body.thinking,
    expected: { type: "enabled", budget_tokens: 1024 },
    reasoning: { text: FAKE_REASONING, tokens: 0 },
  },
};

const geminiShaped: Partial<Record<Feature, FeatureExpectation>> = {
  image: { result: "pass", received: (body) => body.contents[0].parts[1], expected: { inlineData: { mimeType: "image/png", data: PNG_BASE64 } } },
  json_schema: {
    result: "pass",
    received: ({ generationConfig: config = {} }) => (config.responseJsonSchema ? { responseMimeType: config.responseMimeType, responseJsonSchema: config.responseJsonSchema } : null),
    expected: { responseMimeType: "application/json", responseJsonSchema: ANSWER_SCHEMA },
  },
  reasoning: {
    result: "pass",
    note: "thinkingConfig.thinkingBudget 1024 and includeThoughts as asserted",
    received: (body) => body.generationConfig?.thinkingConfig,
    expected: { thinkingBudget: 1024, includeThoughts: true },
    reasoning: { text: FAKE_REASONING, tokens: FAKE_USAGE.reasoning },
  },
};

/** Converse: base64 image bytes. */
const bedrockImage = {
  result: "pass",
  received: (body: Json) => body.messages[0].content[1],
  expected: { image: { format: "png", source: { bytes: PNG_BASE64 } } },
} satisfies FeatureExpectation;
/** The Bedrock fake answers structured output with JSON built from ANSWER_SCHEMA (strings are FAKE_TEXT). */
const BEDROCK_JSON_TEXT = JSON.stringify({ answer: FAKE_TEXT });
/** The structured-output mechanism as Converse received it (the schema's name differs per inbound API, so it is left out). */
const bedrockStructuredOutput = (body: Json) => ({
  outputConfig: body.outputConfig ? { type: body.outputConfig.textFormat.type, schema: JSON.parse(body.outputConfig.textFormat.structure.jsonSchema.schema) } : null,
  toolConfig: body.toolConfig ?? null,
});
/** json_schema on Bedrock: structured output always passes; `expected` says which Converse mechanism carried it. */
const bedrockJsonSchema = (note: string, expected: unknown): FeatureExpectation => ({ result: "pass", note, received: bedrockStructuredOutput, expected, text: BEDROCK_JSON_TEXT });

/** What the rows of one wire family share: the tool arguments its fake answers with and, mostly, no base warnings. */
const noBaseWarnings = (): string[] => [];
const openAIFamily = { toolArguments: { location: "Paris", unit: "celsius" }, baseWarnings: noBaseWarnings };
const anthropicFamily = { toolArguments: { location: "Paris" }, baseWarnings: noBaseWarnings, features: anthropicShaped };
const geminiFamily = { toolArguments: { location: "fake" }, baseWarnings: noBaseWarnings, features: geminiShaped };
/** The Bedrock fake answers tool calls with the same arguments as the OpenAI-shaped fakes. */
const bedrockFamily = openAIFamily;

export const providerCases: ProviderCase[] = [
  {
    label: "openai",
    kind: "openai",
    fake: "openai",
    model: (feature) => (feature === "reasoning" ? "openai-o4-mini" : "openai-gpt-4o-mini"),
    ...openAIFamily,
    features: {
      ...openAIShaped,
      reasoning: {
        result: "pass",
        note: "o4-mini; reasoning_effort low as asserted; OpenAI returns no reasoning text in Chat Completions, only reasoning_tokens",
        received: (body) => body.reasoning_effort,
        expected: "low",
        reasoning: { text: "", tokens: FAKE_USAGE.reasoning },
      },
    },
  },
  {
    label: "azure",
    kind: "azure",
    fake: "azure",
    model: () => "azure-gpt-4o-mini",
    ...openAIFamily,
    features: {
      ...openAIShaped,
      reasoning: { result: "400", note: "the fake's deployments are non-reasoning models", received: (body) => body.reasoning_effort, expected: "low", errorMessage: "azure: Unrecognized request argument supplied: reasoning_effort" },
    },
  },
  {
    label: "deepseek",
    kind: "deepseek",
    fake: "deepseek",
    model: (feature) => (feature === "reasoning" ? "deepseek-reasoner" : "deepseek-chat"),
    ...openAIFamily,
    baseWarnings: (inbound) => (inbound === "messages" ? ["renamed_parameter:max_completion_tokens"] : []),
    features: {
      image: {
        ...openAIShaped.image,
        result: "400",
        note: "DeepSeek's models read text only: its 422 comes back as a clear 400",
        errorMessage: "deepseek: Failed to deserialize the JSON body into the target type: messages[0]: unknown variant `image_url`, expected `text`",
      },
      json_schema: {
        result: "warning",
        note: "DeepSeek has json_object only: the schema goes as a forced tool whose arguments come back as the text; strict needs DeepSeek's /beta base URL, so it is omitted with a warning",
        received: (body) => ({ response_format: body.response_format ?? null, tools: body.tools, tool_choice: body.tool_choice }),
        expected: {
          response_format: null,
          tools: [{ type: "function", function: { name: "modelgate_json_response", description: "Give the final answer as this function's arguments.", parameters: ANSWER_SCHEMA } }],
          tool_choice: { type: "function", function: { name: "modelgate_json_response" } },
        },
        warnings: ["renamed_parameter:response_format", "unsupported_parameter:response_format.json_schema.strict"],
      },
      reasoning: {
        result: "warning",
        note: "deepseek-reasoner always reasons; DeepSeek has no reasoning_effort, so it is omitted with a warning",
        received: (body) => ({ model: body.model, reasoning_effort: body.reasoning_effort ?? null }),
        expected: { model: "deepseek-reasoner", reasoning_effort: null },
        warnings: ["unsupported_parameter:reasoning_effort"],
        reasoning: { text: FAKE_REASONING, tokens: FAKE_USAGE.reasoning },
      },
    },
  },
  { label: "anthropic", kind: "anthropic", fake: "anthropic", model: () => "claude-haiku-4-5", ...anthropicFamily },
  { label: "gemini", kind: "gemini", fake: "gemini", model: () => "gemini-2.5-flash", ...geminiFamily },
  { label: "vertex (gemini)", kind: "vertex", fake: "vertex", model: () => "vertex-flash", ...geminiFamily },
  {
    label: "vertex (claude)",
    kind: "vertex",
    fake: "vertex",
    model: () => "vertex-sonnet",
    ...anthropicFamily,
    features: { ...anthropicShaped, text: { result: "pass", note: "rawPredict body: no model, anthropic_version vertex-2023-10-16", received: (body) => ({ model: body.model ?? null, anthropic_version: body.anthropic_version }), expected: { model: null, anthropic_version: "vertex-2023-10-16" } } },
  },
  {
    label: "bedrock (claude)",
    kind: "bedrock",
    fake: "bedrock",
    model: () => "bedrock-haiku",
    ...bedrockFamily,
    features: {
      image: bedrockImage,
      json_schema: bedrockJsonSchema("Claude 4.5 on Bedrock: native outputConfig.textFormat json_schema (schema sent as a JSON string)", {
        outputConfig: { type: "json_schema", schema: ANSWER_SCHEMA },
        toolConfig: null,
      }),
      reasoning: {
        result: "pass",
        note: "additionalModelRequestFields.thinking.budget_tokens 1024 as asserted; Converse usage has no thinking token count (reasoning_tokens 0)",
        received: (body) => ({ thinking: body.additionalModelRequestFields?.thinking, isBudgetBelowMaxTokens: body.inferenceConfig?.maxTokens > 1024 }),
        expected: { thinking: { type: "enabled", budget_tokens: 1024 }, isBudgetBelowMaxTokens: true },
        reasoning: { text: FAKE_REASONING, tokens: 0 },
      },
    },
  },
  {
    label: "bedrock (nova)",
    kind: "bedrock",
    fake: "bedrock",
    model: () => "bedrock-nova-lite",
    ...bedrockFamily,
    features: {
      image: bedrockImage,
      json_schema: bedrockJsonSchema("Nova has no native structured output: a forced tool carries the schema, its input comes back as the JSON text (finish stop)", {
        outputConfig: null,
        toolConfig: {
          tools: [{ toolSpec: { name: "modelgate_json_response", description: "Give your complete answer as this tool's input.", inputSchema: { json: ANSWER_SCHEMA } } }],
          toolChoice: { tool: { name: "modelgate_json_response" } },
        },
      }),
      reasoning: {
        result: "warning",
        note: "Nova Lite v1 does not reason: reasoning_effort is omitted with a warning",
        received: (body) => body.additionalModelRequestFields ?? null,
        expected: null,
        warnings: ["unsupported_parameter:reasoning_effort"],
      },
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
