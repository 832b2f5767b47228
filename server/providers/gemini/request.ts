/**
 * OpenAI chat request → Gemini generateContent / streamGenerateContent request.
 *
 * - Endpoints: POST {base}/models/{model}:generateContent and :streamGenerateContent?alt=sse,
 *   API key in the x-goog-api-key header: https://ai.google.dev/api/generate-content
 * - GenerationConfig (stopSequences, candidateCount, maxOutputTokens, temperature, topP, seed,
 *   presencePenalty, frequencyPenalty, responseLogprobs, logprobs, responseMimeType,
 *   responseJsonSchema, thinkingConfig): https://ai.google.dev/api/generate-content#generationconfig
 * - Tools (functionDeclarations with parametersJsonSchema) and ToolConfig.functionCallingConfig
 *   (AUTO / ANY / NONE, allowedFunctionNames): https://ai.google.dev/api/caching#Tool
 * - Thinking budgets: https://ai.google.dev/gemini-api/docs/thinking. reasoning_effort low/medium/high
 *   use the budgets of Google's own OpenAI-compatibility layer (1024 / 8192 / 24576,
 *   https://ai.google.dev/gemini-api/docs/openai); minimal uses 512, the smallest budget every 2.5
 *   model accepts (Flash-Lite's minimum). includeThoughts surfaces the thoughts as reasoning.
 * - Context caching (https://ai.google.dev/gemini-api/docs/caching, https://ai.google.dev/api/caching): the gateway
 *   extension `cached_content` ("cachedContents/{id}", created by the caller with cachedContents.create) becomes
 *   `cachedContent`. The cache holds its own system instruction, tools and tool config, and a request naming it may not
 *   set them again (the API answers 400), so the request's system messages, tools and tool_choice are omitted with a
 *   warning. Without it, the stable prefix (systemInstruction, tools) is built from the request alone, so Gemini's
 *   implicit caching sees the same bytes on every request that shares them.
 */
import type { ChatRequest, Target, UpstreamRequest } from "@/server/gateway/types";
import { stableJsonSchema } from "../stable-json-schema";
import { toGeminiJsonSchema } from "./json-schema";
import { translateMessages } from "./messages";
import { createWarnings, type WarningSink } from "./warnings";

const thinkingBudgets = { minimal: 512, low: 1024, medium: 8192, high: 24576 } as const;

/** Top-level fields this adapter reads; anything else is an unsupported parameter. */
export const handledRequestFields: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "stream",
  "stream_options",
  "temperature",
  "top_p",
  "max_tokens",
  "max_completion_tokens",
  "stop",
  "n",
  "seed",
  "presence_penalty",
  "frequency_penalty",
  "logprobs",
  "top_logprobs",
  "logit_bias",
  "user",
  "metadata",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "reasoning_effort",
  "anthropic_beta",
  "cached_content",
]);

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function warnUnhonoured(request: ChatRequest, warnings: WarningSink): void {
  for (const [key, value] of Object.entries(request)) {
    if (!handledRequestFields.has(key) && isSet(value)) warnings.unsupported(key, `Gemini has no equivalent of ${key}; it was ignored.`);
  }
  if (isSet(request.logit_bias)) warnings.unsupported("logit_bias", "Gemini does not support logit_bias; it was ignored.");
  if (isSet(request.user)) warnings.unsupported("user", "Gemini has no end-user field; user was ignored.");
  if (isSet(request.metadata)) warnings.unsupported("metadata", "Gemini has no request metadata; metadata was ignored.");
  if (request.anthropic_beta?.length) warnings.unsupported("anthropic_beta", "anthropic_beta applies to Claude models only; it was ignored.");
  if (request.parallel_tool_calls === false) warnings.unsupported("parallel_tool_calls", "Gemini cannot disable parallel function calls.");
}

function maxOutputTokens(request: ChatRequest, target: Target, warnings: WarningSink): number | undefined {
  const param = isSet(request.max_completion_tokens) ? "max_completion_tokens" : "max_tokens";
  const requested = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  if (requested === undefined || target.maxOutputTokens === undefined || requested <= target.maxOutputTokens) return requested;
  warnings.clamped(param, `${param} ${requested} is above the model's limit; clamped to ${target.maxOutputTokens}.`);
  return target.maxOutputTokens;
}

function responseFormatConfig(request: ChatRequest, warnings: WarningSink): Record<string, unknown> {
  const format = request.response_format;
  if (!format || format.type === "text") return {};
  if (format.type === "json_object" || !format.json_schema.schema) return { responseMimeType: "application/json" };
  const { schema, dropped } = toGeminiJsonSchema(format.json_schema.schema);
  if (dropped.length > 0) {
    warnings.unsupported("response_format.json_schema.schema", `Gemini does not support these JSON Schema keywords, dropped: ${dropped.join(", ")}.`);
  }
  // Gemini has no separate schema description: it lives in the schema's own description keyword.
  const description = format.json_schema.description;
  if (description && schema.description === undefined) schema.description = description;
  return { responseMimeType: "application/json", responseJsonSchema: schema };
}

function logprobsConfig(request: ChatRequest, warnings: WarningSink): Record<string, unknown> {
  if (request.logprobs !== true) {
    if (isSet(request.top_logprobs)) warnings.unsupported("top_logprobs", "top_logprobs needs logprobs: true; it was ignored.");
    return {};
  }
  return { responseLogprobs: true, ...(isSet(request.top_logprobs) ? { logprobs: request.top_logprobs } : {}) };
}

function buildGenerationConfig(request: ChatRequest, target: Target, warnings: WarningSink): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (isSet(request.temperature)) config.temperature = request.temperature;
  if (isSet(request.top_p)) config.topP = request.top_p;
  const maxTokens = maxOutputTokens(request, target, warnings);
  if (maxTokens !== undefined) config.maxOutputTokens = maxTokens;
  if (isSet(request.stop)) {
    const stops = typeof request.stop === "string" ? [request.stop] : (request.stop ?? []);
    if (stops.length > 0) config.stopSequences = stops;
  }
  if (isSet(request.n)) config.candidateCount = request.n;
  if (isSet(request.seed)) config.seed = request.seed;
  if (isSet(request.presence_penalty)) config.presencePenalty = request.presence_penalty;
  if (isSet(request.frequency_penalty)) config.frequencyPenalty = request.frequency_penalty;
  Object.assign(config, logprobsConfig(request, warnings), responseFormatConfig(request, warnings));
  if (request.reasoning_effort) config.thinkingConfig = { thinkingBudget: thinkingBudgets[request.reasoning_effort], includeThoughts: true };
  return config;
}

function buildTools(request: ChatRequest, warnings: WarningSink): Record<string, unknown> {
  const tools = request.tools ?? [];
  if (tools.length === 0) {
    if (isSet(request.tool_choice)) warnings.unsupported("tool_choice", "tool_choice was set without tools; it was ignored.");
    return {};
  }
  const functionDeclarations = tools.map(({ function: definition }) => {
    if (definition.strict) warnings.unsupported("tools.function.strict", "Gemini does not guarantee strict schema adherence for function calls.");
    const declaration: Record<string, unknown> = { name: definition.name };
    if (definition.description) declaration.description = definition.description;
    if (definition.parameters) {
      const { schema, dropped } = toGeminiJsonSchema(definition.parameters);
      if (dropped.length > 0) {
        warnings.unsupported("tools.function.parameters", `Tool ${definition.name}: Gemini does not support these JSON Schema keywords, dropped: ${dropped.join(", ")}.`);
      }
      declaration.parametersJsonSchema = stableJsonSchema(schema);
    }
    return declaration;
  });
  const choice = request.tool_choice;
  const result: Record<string, unknown> = { tools: [{ functionDeclarations }] };
  if (choice === "auto") result.toolConfig = { functionCallingConfig: { mode: "AUTO" } };
  else if (choice === "none") result.toolConfig = { functionCallingConfig: { mode: "NONE" } };
  else if (choice === "required") result.toolConfig = { functionCallingConfig: { mode: "ANY" } };
  else if (choice) result.toolConfig = { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.function.name] } };
  return result;
}

/** The named cache brings its own system instruction and tools: the request's are left out, with a warning each. */
function applyCachedContent(request: ChatRequest, body: Record<string, unknown>, hasSystem: boolean, warnings: WarningSink): void {
  body.cachedContent = request.cached_content;
  if (hasSystem) warnings.unsupported("messages.system", "With cached_content the system instruction comes from the cache; the request's system messages were omitted.");
  if (request.tools?.length) warnings.unsupported("tools", "With cached_content the tools come from the cache; the request's tools were omitted.");
  if (isSet(request.tool_choice)) warnings.unsupported("tool_choice", "With cached_content the tool config comes from the cache; tool_choice was omitted.");
}

function modelPath(model: string): string {
  if (model.startsWith("models/") || model.startsWith("tunedModels/")) return model;
  return `models/${encodeURIComponent(model)}`;
}

export function buildRequest(request: ChatRequest, target: Target): UpstreamRequest {
  const warnings = createWarnings();
  warnUnhonoured(request, warnings);
  const { systemInstruction, contents } = translateMessages(request.messages, warnings);
  const body: Record<string, unknown> = { contents };
  if (request.cached_content) applyCachedContent(request, body, systemInstruction !== undefined, warnings);
  else {
    if (systemInstruction) body.systemInstruction = systemInstruction;
    Object.assign(body, buildTools(request, warnings));
  }
  const generationConfig = buildGenerationConfig(request, target, warnings);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;

  const method = request.stream ? "streamGenerateContent?alt=sse" : "generateContent";
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.apiKey !== "") headers["x-goog-api-key"] = target.apiKey;
  return { url: `${target.baseUrl}/${modelPath(target.upstreamModel)}:${method}`, headers, body: JSON.stringify(body), warnings: warnings.list };
}
