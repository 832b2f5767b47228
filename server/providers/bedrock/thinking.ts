/**
 * reasoning_effort → Converse `additionalModelRequestFields` for Claude on Bedrock (extended thinking).
 *
 * References:
 * - https://docs.aws.amazon.com/bedrock/latest/userguide/claude-messages-extended-thinking.html (Claude 3.7 Sonnet and
 *   the Claude 4 family; `thinking: {type: "enabled", budget_tokens}` passed through additionalModelRequestFields with
 *   Converse; budget_tokens >= 1024 and below maxTokens; no temperature / top_p changes and no forced tool use)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html (additionalModelRequestFields;
 *   the answer's reasoningContent.reasoningText {text, signature}: ./response.ts and ./stream.ts read it)
 *
 * The budgets are the Anthropic adapter's (THINKING_BUDGETS). Without a caller limit maxTokens becomes budget + 4096
 * (the Anthropic adapter's default answer room); a caller limit at or below the budget is raised to budget + limit with a
 * clamped_parameter warning, so the answer keeps the room the caller asked for. Other Bedrock models have no common
 * reasoning switch: reasoning_effort is omitted with a warning. Thinking is also omitted (with a warning) when the body
 * forces a tool, the caller's or the one ./response-format.ts adds for response_format: Claude refuses forced tool use
 * while thinking, and the requested output format wins over optional reasoning.
 */
import type { ChatRequest, Warning } from "@/server/gateway/types";
import { THINKING_BUDGETS } from "../anthropic/request";
import { isForcedJsonTool } from "./response-format";

const DEFAULT_ANSWER_TOKENS = 4096;
/** Bedrock model ids (plain or cross-region inference profiles such as `us.`) of the Claude models that can think. */
const THINKING_MODEL = /(^|\.)anthropic\.claude-(3-7-sonnet|(opus|sonnet|haiku)-4|(opus|sonnet)-[5-9])/;

const unsupported = (param: string, message: string): Warning => ({ code: "unsupported_parameter", param, message });

export function isThinkingModel(modelId: string): boolean {
  return THINKING_MODEL.test(modelId);
}

/**
 * Adds `additionalModelRequestFields.thinking` to the Converse body when the request asks for reasoning and the model
 * can think, adjusting inferenceConfig (maxTokens, temperature, topP) to what thinking accepts.
 */
export function applyThinking(request: ChatRequest, modelId: string, body: Record<string, unknown>, warnings: Warning[]): void {
  const effort = request.reasoning_effort;
  if (!effort) return;
  if (!isThinkingModel(modelId)) {
    warnings.push(unsupported("reasoning_effort", "This Bedrock model has no reasoning setting the gateway maps; reasoning_effort was omitted."));
    return;
  }
  const blocker = thinkingBlocker(request, body);
  if (blocker) {
    warnings.push(unsupported("reasoning_effort", `Extended thinking cannot be used ${blocker}; reasoning_effort was omitted.`));
    return;
  }
  const budget = THINKING_BUDGETS[effort];
  const config = { ...((body.inferenceConfig as Record<string, unknown> | undefined) ?? {}) };
  const maxTokens = config.maxTokens as number | undefined;
  if (maxTokens === undefined) config.maxTokens = budget + DEFAULT_ANSWER_TOKENS;
  else if (maxTokens <= budget) {
    config.maxTokens = budget + maxTokens;
    const param = request.max_completion_tokens != null ? "max_completion_tokens" : "max_tokens";
    warnings.push({ code: "clamped_parameter", param, message: `maxTokens raised from ${maxTokens} to ${budget + maxTokens} so the thinking budget (${budget}) fits below it.` });
  }
  if (config.temperature !== undefined && config.temperature !== 1) {
    delete config.temperature;
    warnings.push(unsupported("temperature", "Claude does not accept temperature changes with extended thinking; temperature was omitted."));
  }
  if (config.topP !== undefined && (config.topP as number) < 0.95) {
    delete config.topP;
    warnings.push(unsupported("top_p", "Claude accepts top_p of 0.95 or more with extended thinking; top_p was omitted."));
  }
  body.inferenceConfig = config;
  body.additionalModelRequestFields = { thinking: { type: "enabled", budget_tokens: budget } };
}

/** Why thinking cannot be enabled for this request, if it cannot. */
function thinkingBlocker(request: ChatRequest, body: Record<string, unknown>): string | undefined {
  if (isForcedJsonTool(body)) return "with response_format on this model (it is enforced with a forced tool)";
  const choice = request.tool_choice;
  if (request.tools?.length && (choice === "required" || typeof choice === "object")) return "with a forced tool_choice";
  const lastAssistant = request.messages.findLastIndex((message) => message.role === "assistant");
  const last = request.messages[lastAssistant];
  if (last?.role === "assistant" && last.tool_calls?.length && request.messages.slice(lastAssistant + 1).every((message) => message.role === "tool")) {
    return "while continuing a tool call without its signed reasoning block";
  }
  return undefined;
}
