/**
 * OpenAI chat request → Bedrock Converse / ConverseStream request (unsigned: ./authorize.ts signs it at send time).
 *
 * References:
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html (messages, system, inferenceConfig,
 *   toolConfig, requestMetadata)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlock.html (text, image, document,
 *   toolUse, toolResult — one member per block)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ImageBlock.html (format png|jpeg|gif|webp,
 *   source.bytes base64 in JSON; no http URLs)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InferenceConfiguration.html (maxTokens >= 1,
 *   temperature 0..1 — larger values are clamped with a warning —, topP 0..1, stopSequences)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolChoice.html (auto | any | tool{name}; no "none")
 * - https://docs.aws.amazon.com/bedrock/latest/userguide/conversation-inference-call.html (roles alternate, blank
 *   text blocks are rejected)
 * - response_format: see ./response-format.ts (outputConfig.textFormat, or a forced tool)
 * - prompt caching: see ./cache-points.ts (automatic cachePoint blocks for Claude models)
 */
import { stableJsonSchema } from "../stable-json-schema";
import type { ChatMessage, ChatRequest, ContentPart, GatewayError, PromptCacheSettings, Target, UpstreamRequest, Warning } from "@/server/gateway/types";
import { applyCachePoints } from "./cache-points";
import { converseUrl, parseBedrockBaseUrl } from "./endpoint";
import { applyResponseFormat } from "./response-format";
import { warnIfUnsignable } from "./credentials";
import { applyThinking } from "./thinking";

type Block = Record<string, unknown>;
interface ConverseMessage {
  role: "user" | "assistant";
  content: Block[];
}

const IMAGE_FORMATS: Record<string, string> = { "image/png": "png", "image/jpeg": "jpeg", "image/jpg": "jpeg", "image/gif": "gif", "image/webp": "webp" };
const KNOWN_FIELDS = new Set([
  "model", "messages", "stream", "stream_options", "temperature", "top_p", "max_tokens", "max_completion_tokens", "stop", "n", "seed",
  "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "logit_bias", "user", "metadata", "tools", "tool_choice",
  "parallel_tool_calls", "response_format", "reasoning_effort", "anthropic_beta",
]);

const unsupported = (param: string, message: string): Warning => ({ code: "unsupported_parameter", param, message });

function addWarning(warnings: Warning[], warning: Warning): void {
  if (!warnings.some((existing) => existing.code === warning.code && existing.param === warning.param)) warnings.push(warning);
}

/**
 * The Converse JSON body (no model: it rides in the URL; `modelId` decides model-specific fields). Exported for tests.
 * A request that cannot be served correctly leaves its error in `outcome.rejection`.
 */
export function buildConverseBody(
  request: ChatRequest,
  warnings: Warning[],
  modelId = "",
  outcome: { rejection?: GatewayError } = {},
  promptCache?: PromptCacheSettings,
): Record<string, unknown> {
  const { system, messages } = translateMessages(request.messages, warnings);
  const body: Record<string, unknown> = { messages };
  if (system.length > 0) body.system = system;
  const inferenceConfig = buildInferenceConfig(request, warnings);
  if (Object.keys(inferenceConfig).length > 0) body.inferenceConfig = inferenceConfig;
  const toolConfig = buildToolConfig(request, warnings);
  if (toolConfig) body.toolConfig = toolConfig;
  outcome.rejection = applyResponseFormat(request, modelId, body);
  if (request.metadata && Object.keys(request.metadata).length > 0) body.requestMetadata = request.metadata;
  applyThinking(request, modelId, body, warnings);
  applyAnthropicBeta(request, modelId, body, warnings);
  warnUnsupported(request, warnings);
  applyCachePoints(body, promptCache, modelId, warnings);
  return body;
}

const CLAUDE_MODEL = /(^|\.)anthropic\.claude-/;

/**
 * anthropic_beta (from an Anthropic client's `anthropic-beta` header) → `additionalModelRequestFields.anthropic_beta` for
 * Claude models: the Claude Messages body on Bedrock takes `anthropic_beta: [...]`, and Converse passes model-specific
 * fields through additionalModelRequestFields.
 * https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages-request-response.html
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html (additionalModelRequestFields)
 * Other models have no such field: it is omitted with a warning.
 */
function applyAnthropicBeta(request: ChatRequest, modelId: string, body: Record<string, unknown>, warnings: Warning[]): void {
  const betas = request.anthropic_beta;
  if (!betas?.length) return;
  if (!CLAUDE_MODEL.test(modelId)) {
    warnings.push(unsupported("anthropic_beta", "anthropic_beta applies to Claude models only; it was omitted."));
    return;
  }
  body.additionalModelRequestFields = { ...(body.additionalModelRequestFields as Record<string, unknown> | undefined), anthropic_beta: betas };
}

export function buildRequest(request: ChatRequest, target: Target): UpstreamRequest {
  const warnings: Warning[] = [];
  const outcome: { rejection?: GatewayError } = {};
  const body = JSON.stringify(buildConverseBody(request, warnings, target.upstreamModel, outcome, target.promptCache));
  if (outcome.rejection) return { url: "", headers: {}, body: "", warnings, rejection: outcome.rejection };
  const url = converseUrl(parseBedrockBaseUrl(target.baseUrl), target.upstreamModel, request.stream === true);
  const headers: Record<string, string> = { "content-type": "application/json", accept: request.stream ? "application/vnd.amazon.eventstream" : "application/json" };
  warnIfUnsignable(target.apiKey, warnings);
  return { url, headers, body, warnings };
}

// ---- messages ------------------------------------------------------------------------------------

function translateMessages(input: ChatMessage[], warnings: Warning[]): { system: Block[]; messages: ConverseMessage[] } {
  const system: Block[] = [];
  const messages: ConverseMessage[] = [];
  for (const message of input) {
    if ("name" in message && message.name) addWarning(warnings, unsupported("name", "Bedrock messages have no participant name; `name` was omitted."));
    switch (message.role) {
      case "system":
      case "developer":
        system.push(...textBlocks(message.content));
        break;
      case "user":
        appendTurn(messages, "user", userBlocks(message.content, warnings));
        break;
      case "assistant":
        appendTurn(messages, "assistant", assistantBlocks(message, warnings));
        break;
      case "tool":
        appendTurn(messages, "user", [{ toolResult: { toolUseId: message.tool_call_id, content: toolResultContent(message.content) } }]);
        break;
    }
  }
  return { system, messages };
}

/** Converse wants alternating roles: consecutive same-role messages become one turn. */
function appendTurn(messages: ConverseMessage[], role: ConverseMessage["role"], blocks: Block[]): void {
  if (blocks.length === 0) return;
  const last = messages.at(-1);
  if (last?.role === role) last.content.push(...blocks);
  else messages.push({ role, content: blocks });
}

function textBlocks(content: string | { type: "text"; text: string }[] | null | undefined): Block[] {
  if (content == null) return [];
  const texts = typeof content === "string" ? [content] : content.map((part) => part.text);
  return texts.filter((text) => text.trim() !== "").map((text) => ({ text }));
}

function toolResultContent(content: string | { type: "text"; text: string }[]): Block[] {
  const blocks = textBlocks(content);
  return blocks.length > 0 ? blocks : [{ text: "(empty)" }];
}

function userBlocks(content: string | ContentPart[], warnings: Warning[]): Block[] {
  if (typeof content === "string") return textBlocks(content);
  const blocks: Block[] = [];
  for (const part of content) {
    if (part.type === "text") blocks.push(...textBlocks(part.text));
    else if (part.type === "image_url") {
      const image = imageBlock(part.image_url.url);
      if (image) blocks.push(image);
      else addWarning(warnings, unsupported("image_url", "Bedrock accepts base64 png/jpeg/gif/webp data URLs only; an image was omitted."));
      if (part.image_url.detail && part.image_url.detail !== "auto") addWarning(warnings, unsupported("detail", "Bedrock has no image detail setting; it was omitted."));
    } else addWarning(warnings, unsupported(part.type, `Bedrock Converse input of type ${part.type} is not supported here; the part was omitted.`));
  }
  return blocks;
}

function imageBlock(url: string): Block | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  const format = match ? IMAGE_FORMATS[match[1].toLowerCase()] : undefined;
  return match && format ? { image: { format, source: { bytes: match[2] } } } : undefined;
}

function assistantBlocks(message: Extract<ChatMessage, { role: "assistant" }>, warnings: Warning[]): Block[] {
  if (message.reasoning_content) addWarning(warnings, unsupported("reasoning_content", "Bedrock needs signed reasoning blocks to replay reasoning; earlier reasoning_content was omitted."));
  const blocks = textBlocks(message.content);
  for (const call of message.tool_calls ?? []) blocks.push({ toolUse: { toolUseId: call.id, name: call.function.name, input: parseToolInput(call.function.arguments, warnings) } });
  return blocks;
}

function parseToolInput(text: string, warnings: Warning[]): unknown {
  try {
    return JSON.parse(text === "" ? "{}" : text);
  } catch {
    addWarning(warnings, { code: "other", param: "tool_calls", message: "A tool call's arguments were not JSON; sent as {} to Bedrock." });
    return {};
  }
}

// ---- inference and tools ------------------------------------------------------------------------

function buildInferenceConfig(request: ChatRequest, warnings: Warning[]): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) config.maxTokens = maxTokens;
  if (request.temperature != null && request.temperature > 1) {
    warnings.push({ code: "clamped_parameter", param: "temperature", message: `Bedrock's temperature range is 0..1; ${request.temperature} was sent as 1.` });
    config.temperature = 1;
  } else if (request.temperature != null) config.temperature = request.temperature;
  if (request.top_p != null) config.topP = request.top_p;
  const stop = request.stop == null ? [] : typeof request.stop === "string" ? [request.stop] : request.stop;
  if (stop.length > 0) config.stopSequences = stop;
  return config;
}

function buildToolConfig(request: ChatRequest, warnings: Warning[]): Record<string, unknown> | undefined {
  const tools = request.tools ?? [];
  const choice = request.tool_choice;
  if (tools.length === 0) {
    if (choice === "required" || (choice != null && typeof choice === "object")) warnings.push(unsupported("tool_choice", "tool_choice needs tools; none were given, so it was omitted."));
    return undefined;
  }
  const config: Record<string, unknown> = {
    tools: tools.map((tool) => ({
      toolSpec: {
        name: tool.function.name,
        ...(tool.function.description ? { description: tool.function.description } : {}),
        inputSchema: { json: stableJsonSchema(tool.function.parameters ?? { type: "object", properties: {} }) },
      },
    })),
  };
  if (choice === "auto") config.toolChoice = { auto: {} };
  else if (choice === "required") config.toolChoice = { any: {} };
  else if (choice != null && typeof choice === "object") config.toolChoice = { tool: { name: choice.function.name } };
  else if (choice === "none") warnings.push(unsupported("tool_choice", "Bedrock has no tool_choice none; the model may still call a tool."));
  if (request.parallel_tool_calls === false) warnings.push(unsupported("parallel_tool_calls", "Bedrock cannot turn off parallel tool calls; parallel_tool_calls was omitted."));
  return config;
}

function warnUnsupported(request: ChatRequest, warnings: Warning[]): void {
  const checks: [string, boolean, string][] = [
    ["seed", request.seed != null, "Bedrock Converse has no seed; it was omitted."],
    ["presence_penalty", !!request.presence_penalty, "Bedrock Converse has no presence_penalty; it was omitted."],
    ["frequency_penalty", !!request.frequency_penalty, "Bedrock Converse has no frequency_penalty; it was omitted."],
    ["logprobs", !!request.logprobs, "Bedrock returns no log probabilities; logprobs was omitted."],
    ["top_logprobs", request.top_logprobs != null, "Bedrock returns no log probabilities; top_logprobs was omitted."],
    ["logit_bias", !!request.logit_bias && Object.keys(request.logit_bias).length > 0, "Bedrock has no logit_bias; it was omitted."],
    ["user", !!request.user, "Bedrock Converse has no end-user field; user was omitted."],
  ];
  for (const [param, isSet, message] of checks) if (isSet) warnings.push(unsupported(param, message));
  for (const [key, value] of Object.entries(request)) {
    if (!KNOWN_FIELDS.has(key) && value !== undefined) warnings.push(unsupported(key, `Bedrock does not support \`${key}\`; it was omitted.`));
  }
}
