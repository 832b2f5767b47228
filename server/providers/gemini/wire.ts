/**
 * Gemini response shapes shared by the non-stream parser and the stream parser: the zod schemas
 * of the fields we read, the finish-reason map and the usage map.
 *
 * References:
 * - GenerateContentResponse, Candidate, FinishReason, UsageMetadata, PromptFeedback:
 *   https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse
 * - Part (text, thought, functionCall): https://ai.google.dev/api/caching#Part
 */
import { z } from "zod";
import type { FinishReason, Usage } from "@/server/gateway/types";

const functionCallSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  args: z.record(z.string(), z.unknown()).nullish(),
});

const partSchema = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  functionCall: functionCallSchema.optional(),
});
export type GeminiPart = z.infer<typeof partSchema>;

const candidateSchema = z.looseObject({
  index: z.number().int().nonnegative().optional(),
  content: z.looseObject({ parts: z.array(partSchema).optional() }).nullish(),
  finishReason: z.string().optional(),
});
export type GeminiCandidate = z.infer<typeof candidateSchema>;

const usageMetadataSchema = z.looseObject({
  promptTokenCount: z.number().optional(),
  candidatesTokenCount: z.number().optional(),
  cachedContentTokenCount: z.number().optional(),
  thoughtsTokenCount: z.number().optional(),
  toolUsePromptTokenCount: z.number().optional(),
});
export type GeminiUsageMetadata = z.infer<typeof usageMetadataSchema>;

/** One generateContent response, or one chunk of a streamGenerateContent?alt=sse stream. */
export const generateContentResponseSchema = z.looseObject({
  candidates: z.array(candidateSchema).optional(),
  promptFeedback: z.looseObject({ blockReason: z.string().optional() }).optional(),
  usageMetadata: usageMetadataSchema.optional(),
  responseId: z.string().optional(),
});
export type GeminiResponse = z.infer<typeof generateContentResponseSchema>;

const contentFilterReasons = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
]);

/** Gemini FinishReason → OpenAI finish_reason. STOP with function calls is tool_calls (Gemini has no TOOL_USE reason). */
export function mapFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (reason === "MAX_TOKENS") return "length";
  if (reason !== undefined && contentFilterReasons.has(reason)) return "content_filter";
  return hasToolCalls ? "tool_calls" : "stop";
}

/** A finishReason that ends the candidate (FINISH_REASON_UNSPECIFIED does not). */
export function isFinished(reason: string | undefined): reason is string {
  return reason !== undefined && reason !== "" && reason !== "FINISH_REASON_UNSPECIFIED";
}

/**
 * usageMetadata → Usage with OpenAI semantics. promptTokenCount already includes
 * cachedContentTokenCount; thoughtsTokenCount is NOT part of candidatesTokenCount, so it is added
 * to the output; toolUsePromptTokenCount (server-side tools) is billed as input, so it is added too.
 */
export function mapUsage(usage: GeminiUsageMetadata | undefined): Usage | undefined {
  if (!usage) return undefined;
  const thoughts = usage.thoughtsTokenCount ?? 0;
  const mapped: Usage = {
    inputTokens: (usage.promptTokenCount ?? 0) + (usage.toolUsePromptTokenCount ?? 0),
    outputTokens: (usage.candidatesTokenCount ?? 0) + thoughts,
  };
  if (usage.cachedContentTokenCount !== undefined) mapped.cachedInputTokens = usage.cachedContentTokenCount;
  if (usage.thoughtsTokenCount !== undefined) mapped.reasoningTokens = thoughts;
  return mapped;
}

/** Gemini function calls carry no id (older models) or an optional one: keep it, else make one. */
export function createToolCallId(index: number, upstreamId?: string): string {
  if (upstreamId) return upstreamId;
  const random = crypto.randomUUID().replace(/-/g, "").slice(0, 16);
  return `call_${index}_${random}`;
}

export function hasFunctionCall(parts: GeminiPart[] | undefined): boolean {
  return (parts ?? []).some((part) => part.functionCall !== undefined);
}
