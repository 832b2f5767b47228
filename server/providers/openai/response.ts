/**
 * Non-stream Chat Completions response → ChatResult, plus the usage and finish-reason mapping the stream shares.
 * Reference: https://platform.openai.com/docs/api-reference/chat/object
 * Usage fields: https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
import { z } from "zod";
import type { ChatChoice, ChatResult, ChatToolCall, FinishReason, ProviderId, Result, Usage } from "@/server/gateway/types";
import { unwrapForcedToolChoice } from "../forced-json-tool";
import type { OpenAICompatibleQuirks } from "./quirks";

/** Validates only the fields we read. prompt_cache_hit_tokens is DeepSeek's name for cached prompt tokens. */
export const usageSchema = z.looseObject({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative().nullish(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().int().nonnegative().nullish() }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().int().nonnegative().nullish() }).nullish(),
  prompt_cache_hit_tokens: z.number().int().nonnegative().nullish(),
});

const toolCallSchema = z.looseObject({
  id: z.string().nullish(),
  function: z.looseObject({ name: z.string(), arguments: z.string().nullish() }),
});

const choiceSchema = z.looseObject({
  index: z.number().int().nonnegative().optional(),
  message: z.looseObject({
    content: z.string().nullish(),
    refusal: z.string().nullish(),
    /** Reasoning text of OpenAI-compatible servers (DeepSeek: reasoning_content; vLLM/OpenRouter: reasoning). */
    reasoning_content: z.string().nullish(),
    reasoning: z.string().nullish(),
    tool_calls: z.array(toolCallSchema).nullish(),
  }),
  finish_reason: z.string().nullish(),
});

const completionSchema = z.looseObject({
  id: z.string().optional(),
  choices: z.array(choiceSchema).min(1),
  usage: usageSchema.nullish(),
});

/** OpenAI usage → gateway usage. prompt_tokens already includes cached tokens; completion_tokens includes reasoning. */
export function toUsage(usage: z.infer<typeof usageSchema>): Usage {
  const result: Usage = { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens ?? 0 };
  const cached = usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens;
  if (cached != null) result.cachedInputTokens = cached;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (reasoning != null) result.reasoningTokens = reasoning;
  return result;
}

/** "function_call" is the deprecated name of "tool_calls"; a missing or unknown reason reads as "stop". */
export function mapFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "length":
    case "tool_calls":
    case "content_filter":
      return reason;
    case "function_call":
      return "tool_calls";
    default:
      return "stop";
  }
}

export function parseResponse(provider: ProviderId, body: unknown, quirks: OpenAICompatibleQuirks = {}): Result<ChatResult> {
  const parsed = completionSchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: { kind: "upstream", provider, status: 502, message: "malformed response" } };
  const choices = parsed.data.choices.map((choice, position): ChatChoice => {
    const index = choice.index ?? position;
    const message = choice.message;
    const result: ChatChoice = {
      index,
      // A refusal is the model's answer too; ChatChoice has no separate field for it.
      text: message.content ?? message.refusal ?? null,
      finishReason: mapFinishReason(choice.finish_reason),
    };
    const reasoning = message.reasoning_content ?? message.reasoning;
    if (reasoning != null) result.reasoning = reasoning;
    if (message.tool_calls != null && message.tool_calls.length > 0) {
      result.toolCalls = message.tool_calls.map(
        (call, callIndex): ChatToolCall => ({ id: call.id ?? `call_${index}_${callIndex}`, name: call.function.name, arguments: call.function.arguments ?? "" }),
      );
    }
    return quirks.jsonSchema === "forced-tool" ? unwrapForcedToolChoice(result) : result;
  });
  const result: ChatResult = { choices };
  if (parsed.data.usage != null) result.usage = toUsage(parsed.data.usage);
  if (parsed.data.id !== undefined) result.upstreamId = parsed.data.id;
  return { ok: true, value: result };
}
