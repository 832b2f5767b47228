import type { ChatResult, FinishReason, Usage } from "../../types";

/**
 * Normalized results → Anthropic Message JSON.
 * Reference: https://docs.claude.com/en/api/messages (response: content blocks, stop_reason, usage)
 * and https://platform.claude.com/docs/en/build-with-claude/extended-thinking (thinking {thinking, signature} and
 * redacted_thinking {data} blocks lead the content).
 */
export type StopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "refusal";

/**
 * `stop` cannot tell a natural end from a stop sequence (providers normalize both to it), so it
 * becomes end_turn, stop_sequence left null.
 */
export function toStopReason(reason: FinishReason): StopReason {
  switch (reason) {
    case "stop":
      return "end_turn";
    case "length":
      return "max_tokens";
    case "tool_calls":
      return "tool_use";
    case "content_filter":
      return "refusal";
  }
}

/**
 * Anthropic's input_tokens excludes cache reads and writes; ours (OpenAI semantics) includes them. The writes' 5m/1h
 * split (`cache_creation`) is sent when the provider reported 1h writes, the only case where the split is known.
 */
export function toAnthropicUsage(usage: Usage) {
  const cacheRead = usage.cachedInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const oneHour = Math.min(cacheWrite, usage.cacheWrite1hTokens ?? 0);
  return {
    input_tokens: Math.max(0, usage.inputTokens - cacheRead - cacheWrite),
    output_tokens: usage.outputTokens,
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheWrite,
    ...(oneHour > 0 ? { cache_creation: { ephemeral_5m_input_tokens: cacheWrite - oneHour, ephemeral_1h_input_tokens: oneHour } } : {}),
  };
}

/** `msg_` + the request id's hex, so the message id leads to the ledger row. */
export function messageId(requestId: string): string {
  return `msg_${requestId.slice(4)}`;
}

/** Tool arguments arrive as JSON text; a block's input must be an object. */
export function parseToolInput(argumentsJson: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(argumentsJson || "{}");
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return {};
  }
}

/** The first choice only: the Messages API has no `n`. */
export function toAnthropicMessage(result: ChatResult, meta: { id: string; model: string }, usage: Usage) {
  const choice = result.choices[0];
  const content: Record<string, unknown>[] = [];
  // A signature exists only for Claude's own reasoning; other providers' reasoning gets "" (it cannot be verified).
  if (choice?.reasoning || choice?.reasoningSignature) content.push({ type: "thinking", thinking: choice.reasoning ?? "", signature: choice.reasoningSignature ?? "" });
  for (const data of choice?.redactedReasoning ?? []) content.push({ type: "redacted_thinking", data });
  if (choice?.text) content.push({ type: "text", text: choice.text });
  for (const call of choice?.toolCalls ?? []) content.push({ type: "tool_use", id: call.id, name: call.name, input: parseToolInput(call.arguments) });
  return {
    id: meta.id,
    type: "message",
    role: "assistant",
    model: meta.model,
    content,
    stop_reason: toStopReason(choice?.finishReason ?? "stop"),
    stop_sequence: null,
    usage: toAnthropicUsage(usage),
  };
}
