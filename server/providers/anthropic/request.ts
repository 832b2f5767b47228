/**
 * OpenAI chat request → Anthropic Messages API request (POST {baseUrl}/messages).
 *
 * References (fields, shapes and constraints used below):
 * - https://platform.claude.com/docs/en/api/messages (create message: model, max_tokens, system, messages,
 *   stop_sequences, temperature 0..1, top_p, tools, tool_choice, thinking, output_config, metadata.user_id)
 * - https://platform.claude.com/docs/en/build-with-claude/structured-outputs (`output_config.format` =
 *   {type:"json_schema", schema}; GA, no beta header; the older `output_format` + `structured-outputs-2025-11-13`
 *   beta header is deprecated, so it is not used)
 * - https://platform.claude.com/docs/en/build-with-claude/extended-thinking (budget_tokens >= 1024 and < max_tokens;
 *   not compatible with temperature changes, top_p below 0.95 or forced tool use; a final assistant turn that
 *   continues a tool loop must start with its thinking block, unmodified with its signature, and any
 *   redacted_thinking blocks: #preserving-thinking-blocks, #thinking-redaction)
 *
 * Signed reasoning in history: an assistant message's `reasoning_signature` (+ `reasoning_content`) becomes its
 * leading thinking block and `redacted_reasoning` its redacted_thinking blocks, sent only while thinking is on (they
 * are omitted with a warning otherwise). Only this builder reads them (Anthropic, and Claude on Vertex through
 * buildMessagesBody): Claude signatures are the one kind the gateway returns in these fields. A tool loop whose last
 * assistant turn has no signature (it came from another provider, or the client dropped it) runs without thinking,
 * with a warning.
 * - https://platform.claude.com/docs/en/build-with-claude/vision (image sources: base64 jpeg/png/gif/webp, or url)
 * - https://platform.claude.com/docs/en/agents-and-tools/tool-use/overview (tool_use / tool_result blocks;
 *   tool_result blocks come first in the user turn)
 * - SDK types: github.com/anthropics/anthropic-sdk-typescript src/resources/messages/messages.ts
 * - https://platform.claude.com/docs/en/api/beta-headers (`anthropic-beta: feature1,feature2`; an unsupported name is
 *   a 400 invalid_request_error). The gateway extension `anthropic_beta` (names) is sent as that header here; Claude
 *   on Vertex sends it in the body instead (../vertex/request.ts).
 *
 * reasoning_effort → thinking.budget_tokens: minimal 1024 and low 1024 (the documented minimum; Anthropic has no
 * smaller setting), medium 4096 (4x the minimum, a moderate task), high 16384 (a large budget that still stays
 * under the 32k point above which the docs recommend batch processing). The budget must stay below max_tokens:
 * when it does not, max_tokens becomes budget + the caller's limit (the answer keeps the room the caller asked
 * for), capped at target.maxOutputTokens (then half goes to thinking), with a clamped_parameter warning.
 */
import type { CacheControl, ChatMessage, ChatRequest, ContentPart, Target, UpstreamRequest, Warning } from "@/server/gateway/types";
import { stableJsonSchema } from "../stable-json-schema";
import { applyCacheBreakpoints } from "./cache-breakpoints";

export const ANTHROPIC_VERSION = "2023-06-01";
const DEFAULT_MAX_TOKENS = 4096;
const MIN_THINKING_BUDGET = 1024;
export const THINKING_BUDGETS = { minimal: 1024, low: 1024, medium: 4096, high: 16384 } as const;
const IMAGE_MEDIA_TYPES = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

/** OpenAI fields this adapter reads (or deliberately warns about). Anything else is an unknown extra field. */
const KNOWN_FIELDS = new Set([
  "model", "messages", "stream", "stream_options", "temperature", "top_p", "max_tokens", "max_completion_tokens",
  "stop", "n", "seed", "presence_penalty", "frequency_penalty", "logprobs", "top_logprobs", "logit_bias", "user",
  "metadata", "tools", "tool_choice", "parallel_tool_calls", "response_format", "reasoning_effort", "anthropic_beta",
]);

type Block = Record<string, unknown>;
interface AnthropicMessage {
  role: "user" | "assistant";
  content: Block[];
}

export function buildRequest(request: ChatRequest, target: Target): UpstreamRequest {
  const { body, warnings } = buildMessagesBody(request, target);
  const headers: Record<string, string> = { "content-type": "application/json", "anthropic-version": ANTHROPIC_VERSION };
  if (target.apiKey !== "") headers["x-api-key"] = target.apiKey;
  const betas = anthropicBetas(request);
  if (betas) headers["anthropic-beta"] = betas.join(",");
  return { url: `${target.baseUrl}/messages`, headers, body: JSON.stringify(body), warnings };
}

/** The request's Anthropic beta names (the `anthropic_beta` extension), undefined when none were sent. */
export function anthropicBetas(request: ChatRequest): string[] | undefined {
  return request.anthropic_beta && request.anthropic_beta.length > 0 ? request.anthropic_beta : undefined;
}

/** The Messages body (with `model`) and its warnings; other hosts of Claude (Vertex) adjust it and send it their way. */
export function buildMessagesBody(request: ChatRequest, target: Target): { body: Record<string, unknown>; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const budgetWarnings: Warning[] = [];
  const budget = resolveOutputBudget(request, target, budgetWarnings);
  const { system, messages } = translateMessages(request.messages, warnings, budget.thinkingTokens !== undefined);
  warnings.push(...budgetWarnings);
  const body: Record<string, unknown> = { model: target.upstreamModel, max_tokens: budget.maxTokens };
  if (system !== undefined) body.system = system;
  body.messages = messages;
  if (budget.thinkingTokens !== undefined) body.thinking = { type: "enabled", budget_tokens: budget.thinkingTokens };
  applySampling(request, body, budget.thinkingTokens !== undefined, warnings);
  applyTools(request, body, warnings);
  applyResponseFormat(request, body, warnings);
  applyUnsupported(request, body, warnings);
  applyCacheBreakpoints(body, target.promptCache, target.upstreamModel, warnings);
  if (request.stream) body.stream = true;
  return { body, warnings };
}

function addWarning(warnings: Warning[], warning: Warning): void {
  if (!warnings.some((existing) => existing.code === warning.code && existing.param === warning.param)) warnings.push(warning);
}

function unsupported(param: string, message: string): Warning {
  return { code: "unsupported_parameter", param, message };
}

// ---- messages ---------------------------------------------------------------------------------

function translateMessages(input: ChatMessage[], warnings: Warning[], isThinking: boolean): { system?: string | Block[]; messages: AnthropicMessage[] } {
  const systemBlocks: Block[] = [];
  const turns: AnthropicMessage[] = [];
  for (const message of input) {
    if ("name" in message && message.name) addWarning(warnings, unsupported("name", "Anthropic messages have no participant name; `name` was omitted."));
    switch (message.role) {
      case "system":
      case "developer":
        systemBlocks.push(...textBlocks(message.content));
        break;
      case "user":
        appendTurn(turns, "user", userBlocks(message.content, warnings));
        break;
      case "assistant":
        appendTurn(turns, "assistant", assistantBlocks(message, warnings, isThinking));
        break;
      case "tool":
        appendTurn(turns, "user", [toolResultBlock(message.tool_call_id, message.content)]);
        break;
    }
  }
  for (const turn of turns) if (turn.role === "user") turn.content = toolResultsFirst(turn.content);
  const system = systemBlocks.length === 0 ? undefined : systemBlocks.length === 1 && !systemBlocks[0].cache_control ? (systemBlocks[0].text as string) : systemBlocks;
  return { system, messages: turns };
}

/** Anthropic requires alternating roles: consecutive same-role messages become one turn. */
function appendTurn(turns: AnthropicMessage[], role: AnthropicMessage["role"], blocks: Block[]): void {
  if (blocks.length === 0) return;
  const last = turns.at(-1);
  if (last && last.role === role) last.content.push(...blocks);
  else turns.push({ role, content: blocks });
}

function toolResultsFirst(blocks: Block[]): Block[] {
  return [...blocks.filter((block) => block.type === "tool_result"), ...blocks.filter((block) => block.type !== "tool_result")];
}

type TextPart = { type: "text"; text: string; cache_control?: CacheControl };

/** Empty text blocks are rejected by Anthropic, and carry nothing, so they are skipped. The caller's breakpoints stay. */
function textBlocks(content: string | TextPart[] | null | undefined): Block[] {
  if (content == null) return [];
  const parts: TextPart[] = typeof content === "string" ? [{ type: "text", text: content }] : content;
  return parts.filter((part) => part.text !== "").map(textBlock);
}

function textBlock(part: TextPart): Block {
  return part.cache_control ? { type: "text", text: part.text, cache_control: { ...part.cache_control } } : { type: "text", text: part.text };
}

function userBlocks(content: string | ContentPart[], warnings: Warning[]): Block[] {
  if (typeof content === "string") return textBlocks(content);
  const blocks: Block[] = [];
  for (const part of content) {
    const block = userPartBlock(part, warnings);
    if (block) blocks.push(block);
  }
  return blocks;
}

function userPartBlock(part: ContentPart, warnings: Warning[]): Block | undefined {
  switch (part.type) {
    case "text":
      return part.text === "" ? undefined : textBlock(part);
    case "image_url":
      if (part.image_url.detail && part.image_url.detail !== "auto") {
        addWarning(warnings, unsupported("detail", "Anthropic has no image detail setting; `image_url.detail` was omitted."));
      }
      return imageBlock(part.image_url.url, warnings);
    case "input_audio":
      addWarning(warnings, unsupported("input_audio", "Anthropic does not accept audio input; the audio part was omitted."));
      return undefined;
    case "file":
      return fileBlock(part.file, warnings);
  }
}

function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match ? { mediaType: match[1].toLowerCase(), data: match[2] } : undefined;
}

function imageBlock(url: string, warnings: Warning[]): Block | undefined {
  if (/^https?:\/\//i.test(url)) return { type: "image", source: { type: "url", url } };
  const parsed = parseDataUrl(url);
  if (parsed && IMAGE_MEDIA_TYPES.has(parsed.mediaType)) {
    return { type: "image", source: { type: "base64", media_type: parsed.mediaType, data: parsed.data } };
  }
  addWarning(warnings, unsupported("image_url", "Anthropic accepts base64 jpeg/png/gif/webp data URLs or http(s) URLs; an image was omitted."));
  return undefined;
}

function fileBlock(file: { file_data?: string; file_id?: string; filename?: string }, warnings: Warning[]): Block | undefined {
  const parsed = file.file_data ? parseDataUrl(file.file_data) : undefined;
  if (parsed?.mediaType === "application/pdf") {
    const block: Block = { type: "document", source: { type: "base64", media_type: "application/pdf", data: parsed.data } };
    if (file.filename) block.title = file.filename;
    return block;
  }
  addWarning(warnings, unsupported("file", "Anthropic accepts inline PDF files only (no file_id, no other types); a file was omitted."));
  return undefined;
}

type AssistantMessage = Extract<ChatMessage, { role: "assistant" }>;

function hasSignedReasoning(message: AssistantMessage): boolean {
  return Boolean(message.reasoning_signature) || (message.redacted_reasoning?.length ?? 0) > 0;
}

function assistantBlocks(message: AssistantMessage, warnings: Warning[], isThinking: boolean): Block[] {
  const blocks = isThinking ? signedThinkingBlocks(message) : [];
  if (!isThinking && hasSignedReasoning(message)) {
    addWarning(warnings, unsupported("reasoning_signature", "Thinking is off for this request; earlier signed thinking blocks were omitted."));
  } else if (message.reasoning_content && !message.reasoning_signature) {
    addWarning(warnings, unsupported("reasoning_content", "Anthropic needs signed thinking blocks to replay reasoning; earlier reasoning_content without reasoning_signature was omitted."));
  }
  blocks.push(...textBlocks(message.content));
  for (const call of message.tool_calls ?? []) {
    blocks.push({ type: "tool_use", id: call.id, name: call.function.name, input: parseToolInput(call.function.arguments, warnings) });
  }
  return blocks;
}

/** The turn's thinking block (its text as returned, may be empty) and redacted_thinking blocks, as Anthropic sent them. */
function signedThinkingBlocks(message: AssistantMessage): Block[] {
  const blocks: Block[] = [];
  if (message.reasoning_signature) blocks.push({ type: "thinking", thinking: message.reasoning_content ?? "", signature: message.reasoning_signature });
  for (const data of message.redacted_reasoning ?? []) blocks.push({ type: "redacted_thinking", data });
  return blocks;
}

/** Anthropic wants tool input as a JSON object; OpenAI history carries it as a string. */
function parseToolInput(argumentsText: string, warnings: Warning[]): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(argumentsText === "" ? "{}" : argumentsText);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // falls through to the warning below
  }
  addWarning(warnings, { code: "other", param: "tool_calls", message: "A tool call's arguments were not a JSON object; sent as {} to Anthropic." });
  return {};
}

function toolResultBlock(toolCallId: string, content: string | { type: "text"; text: string }[]): Block {
  const block: Block = { type: "tool_result", tool_use_id: toolCallId };
  if (typeof content === "string") {
    if (content !== "") block.content = content;
  } else {
    const blocks = textBlocks(content);
    if (blocks.length > 0) block.content = blocks;
  }
  return block;
}

// ---- max_tokens and thinking --------------------------------------------------------------------

function resolveOutputBudget(request: ChatRequest, target: Target, warnings: Warning[]): { maxTokens: number; thinkingTokens?: number } {
  const param = request.max_completion_tokens != null ? "max_completion_tokens" : request.max_tokens != null ? "max_tokens" : undefined;
  const limit = target.maxOutputTokens;
  let maxTokens = request.max_completion_tokens ?? request.max_tokens ?? limit ?? DEFAULT_MAX_TOKENS;
  if (param && limit !== undefined && maxTokens > limit) {
    warnings.push({ code: "clamped_parameter", param, message: `${param} ${maxTokens} exceeds the model's limit; sent as ${limit}.` });
    maxTokens = limit;
  }
  const effort = request.reasoning_effort;
  if (!effort) return { maxTokens };
  const blocker = thinkingBlocker(request);
  if (blocker) {
    warnings.push(unsupported("reasoning_effort", `Extended thinking cannot be used ${blocker}; reasoning_effort was omitted.`));
    return { maxTokens };
  }
  let budget: number = THINKING_BUDGETS[effort];
  if (maxTokens > budget) return { maxTokens, thinkingTokens: budget };
  let raised = budget + maxTokens;
  if (limit !== undefined && raised > limit) {
    raised = limit;
    budget = Math.min(budget, Math.floor(limit / 2));
  }
  if (budget < MIN_THINKING_BUDGET || budget >= raised) {
    warnings.push(unsupported("reasoning_effort", "The model's output limit leaves no room for a thinking budget; reasoning_effort was omitted."));
    return { maxTokens };
  }
  warnings.push({
    code: "clamped_parameter",
    param: param ?? "max_tokens",
    message: `max_tokens raised from ${maxTokens} to ${raised} so the thinking budget (${budget}) fits below it.`,
  });
  return { maxTokens: raised, thinkingTokens: budget };
}

/** Why thinking cannot be enabled for this request, if it cannot. */
function thinkingBlocker(request: ChatRequest): string | undefined {
  const choice = request.tool_choice;
  if (request.tools?.length && (choice === "required" || typeof choice === "object")) return "with a forced tool_choice";
  const lastAssistant = request.messages.findLastIndex((message) => message.role === "assistant");
  const last = request.messages[lastAssistant];
  const isContinuingToolLoop = last?.role === "assistant" && Boolean(last.tool_calls?.length) && request.messages.slice(lastAssistant + 1).every((message) => message.role === "tool");
  if (isContinuingToolLoop && last?.role === "assistant" && !hasSignedReasoning(last)) {
    return "while continuing a tool call without its signed thinking block";
  }
  return undefined;
}

// ---- sampling, tools, response format, the rest --------------------------------------------------

function applySampling(request: ChatRequest, body: Record<string, unknown>, isThinking: boolean, warnings: Warning[]): void {
  const temperature = request.temperature;
  if (temperature != null) {
    if (isThinking && temperature !== 1) {
      warnings.push(unsupported("temperature", "Anthropic does not accept temperature changes with extended thinking; temperature was omitted."));
    } else if (temperature > 1) {
      warnings.push({ code: "clamped_parameter", param: "temperature", message: `Anthropic's temperature range is 0..1; ${temperature} was sent as 1.` });
      body.temperature = 1;
    } else body.temperature = temperature;
  }
  if (request.top_p != null) {
    if (isThinking && request.top_p < 0.95) {
      warnings.push({ code: "clamped_parameter", param: "top_p", message: `With extended thinking Anthropic accepts top_p 0.95..1; ${request.top_p} was sent as 0.95.` });
      body.top_p = 0.95;
    } else body.top_p = request.top_p;
  }
  const stop = request.stop == null ? [] : typeof request.stop === "string" ? [request.stop] : request.stop;
  const sequences = stop.filter((sequence) => sequence.trim() !== "");
  if (sequences.length < stop.length) warnings.push(unsupported("stop", "Anthropic rejects whitespace-only stop sequences; they were omitted."));
  if (sequences.length > 0) body.stop_sequences = sequences;
}

function applyTools(request: ChatRequest, body: Record<string, unknown>, warnings: Warning[]): void {
  const tools = request.tools ?? [];
  const choice = request.tool_choice;
  if (tools.length === 0) {
    if (choice === "required" || typeof choice === "object") warnings.push(unsupported("tool_choice", "tool_choice needs tools; none were given, so it was omitted."));
    return;
  }
  body.tools = tools.map((tool) => {
    const definition: Block = { name: tool.function.name };
    if (tool.function.description) definition.description = tool.function.description;
    definition.input_schema = stableJsonSchema(tool.function.parameters ?? { type: "object", properties: {} });
    if (tool.function.strict) definition.strict = true;
    if (tool.cache_control) definition.cache_control = { ...tool.cache_control };
    return definition;
  });
  let toolChoice: Block | undefined;
  if (choice === "auto") toolChoice = { type: "auto" };
  else if (choice === "none") toolChoice = { type: "none" };
  else if (choice === "required") toolChoice = { type: "any" };
  else if (choice) toolChoice = { type: "tool", name: choice.function.name };
  if (request.parallel_tool_calls === false && toolChoice?.type !== "none") {
    toolChoice = { ...(toolChoice ?? { type: "auto" }), disable_parallel_tool_use: true };
  }
  if (toolChoice) body.tool_choice = toolChoice;
}

function applyResponseFormat(request: ChatRequest, body: Record<string, unknown>, warnings: Warning[]): void {
  const format = request.response_format;
  if (!format || format.type === "text") return;
  if (format.type === "json_object") {
    warnings.push(unsupported("response_format", "Anthropic has no schema-less JSON mode; use json_schema. response_format was omitted."));
  } else if (format.json_schema.schema) {
    body.output_config = { format: { type: "json_schema", schema: format.json_schema.schema } };
  } else {
    warnings.push(unsupported("response_format", "json_schema without a schema cannot be enforced by Anthropic; response_format was omitted."));
  }
}

function applyUnsupported(request: ChatRequest, body: Record<string, unknown>, warnings: Warning[]): void {
  if (request.user) body.metadata = { user_id: request.user };
  if (request.seed != null) warnings.push(unsupported("seed", "Anthropic has no seed; it was omitted."));
  if (request.presence_penalty) warnings.push(unsupported("presence_penalty", "Anthropic has no presence_penalty; it was omitted."));
  if (request.frequency_penalty) warnings.push(unsupported("frequency_penalty", "Anthropic has no frequency_penalty; it was omitted."));
  if (request.logprobs) warnings.push(unsupported("logprobs", "Anthropic returns no log probabilities; logprobs was omitted."));
  if (request.top_logprobs != null) warnings.push(unsupported("top_logprobs", "Anthropic returns no log probabilities; top_logprobs was omitted."));
  if (request.logit_bias && Object.keys(request.logit_bias).length > 0) warnings.push(unsupported("logit_bias", "Anthropic has no logit_bias; it was omitted."));
  if (request.metadata && Object.keys(request.metadata).length > 0) {
    warnings.push(unsupported("metadata", "Anthropic's metadata holds only user_id (sent from `user`); metadata was omitted."));
  }
  for (const [key, value] of Object.entries(request)) {
    if (!KNOWN_FIELDS.has(key) && value !== undefined) warnings.push(unsupported(key, `Anthropic does not support \`${key}\`; it was omitted.`));
  }
}
