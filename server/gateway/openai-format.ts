import type { ChatResult, Usage } from "./types";

/**
 * Normalized results → OpenAI Chat Completions JSON. Reasoning rides on gateway extension fields of the message:
 * `reasoning_content`, and for Claude `reasoning_signature` / `redacted_reasoning` (README: reasoning signatures), which
 * a client sends back unchanged on the assistant message to keep extended thinking on in a tool loop.
 */
export function toOpenAIUsage(usage: Usage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}

export function toOpenAICompletion(result: ChatResult, meta: { id: string; model: string; created: number }, usage: Usage) {
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    choices: result.choices.map((choice) => ({
      index: choice.index,
      message: {
        role: "assistant",
        content: choice.text,
        refusal: null,
        ...(choice.reasoning ? { reasoning_content: choice.reasoning } : {}),
        ...(choice.reasoningSignature ? { reasoning_signature: choice.reasoningSignature } : {}),
        ...(choice.redactedReasoning?.length ? { redacted_reasoning: choice.redactedReasoning } : {}),
        ...(choice.toolCalls && choice.toolCalls.length > 0
          ? { tool_calls: choice.toolCalls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } })) }
          : {}),
      },
      logprobs: null,
      finish_reason: choice.finishReason,
    })),
    usage: toOpenAIUsage(usage),
  };
}
