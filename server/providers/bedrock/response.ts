/**
 * Converse response → ChatResult.
 *
 * References:
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html (output.message, stopReason,
 *   usage: inputTokens, outputTokens, totalTokens, cacheReadInputTokens, cacheWriteInputTokens)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html
 * - https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html (inputTokens excludes cache reads and
 *   writes: totalTokens = inputTokens + outputTokens + cacheReadInputTokens + cacheWriteInputTokens)
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ReasoningContentBlock.html
 *
 * A tool use of the forced response_format tool (./response-format.ts) is the structured answer: its input becomes the
 * assistant's text (JSON), and `tool_use` maps to `stop` when no other tool was called.
 */
import { z } from "zod";
import type { ChatResult, ChatToolCall, FinishReason, Result, Usage } from "@/server/gateway/types";
import { unwrapForcedToolChoice } from "../forced-json-tool";

export const usageSchema = z.looseObject({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadInputTokens: z.number().nullish(),
  cacheWriteInputTokens: z.number().nullish(),
});

const contentBlockSchema = z.looseObject({
  text: z.string().optional(),
  toolUse: z.looseObject({ toolUseId: z.string(), name: z.string(), input: z.unknown() }).optional(),
  reasoningContent: z.looseObject({ reasoningText: z.looseObject({ text: z.string() }).optional() }).optional(),
});

const converseResponseSchema = z.looseObject({
  output: z.looseObject({ message: z.looseObject({ content: z.array(contentBlockSchema) }) }),
  stopReason: z.string(),
  usage: usageSchema.optional(),
});

/** Bedrock stop reasons → OpenAI finish reasons. */
export function mapStopReason(reason: string | undefined): FinishReason {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "guardrail_intervened":
    case "content_filtered":
      return "content_filter";
    default:
      return "stop";
  }
}

/** Bedrock usage → OpenAI semantics (input includes cache reads and writes). */
export function mapUsage(usage: z.infer<typeof usageSchema>): Usage {
  const cached = usage.cacheReadInputTokens ?? 0;
  const written = usage.cacheWriteInputTokens ?? 0;
  const result: Usage = { inputTokens: usage.inputTokens + cached + written, outputTokens: usage.outputTokens };
  if (cached > 0) result.cachedInputTokens = cached;
  if (written > 0) result.cacheWriteTokens = written;
  return result;
}

export function parseResponse(body: unknown): Result<ChatResult> {
  const parsed = converseResponseSchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: { kind: "upstream", provider: "bedrock", status: 502, message: "malformed Converse response" } };
  const { output, stopReason, usage } = parsed.data;
  const texts: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const block of output.message.content) {
    if (block.text !== undefined) texts.push(block.text);
    if (block.reasoningContent?.reasoningText) reasoning.push(block.reasoningContent.reasoningText.text);
    if (block.toolUse) toolCalls.push({ id: block.toolUse.toolUseId, name: block.toolUse.name, arguments: JSON.stringify(block.toolUse.input ?? {}) });
  }
  const choice: ChatResult["choices"][number] = { index: 0, text: texts.length > 0 ? texts.join("") : null, finishReason: mapStopReason(stopReason) };
  if (reasoning.length > 0) choice.reasoning = reasoning.join("");
  if (toolCalls.length > 0) choice.toolCalls = toolCalls;
  // The forced JSON tool's call (response-format.ts) becomes the answer's text.
  const result: ChatResult = { choices: [unwrapForcedToolChoice(choice)] };
  if (usage) result.usage = mapUsage(usage);
  return { ok: true, value: result };
}
