/**
 * Gemini GenerateContentResponse (non-stream) → ChatResult.
 * https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse
 * A prompt blocked before generation has no candidates and promptFeedback.blockReason set:
 * it becomes one content_filter choice.
 */
import type { ChatChoice, ChatResult, ChatToolCall, Result } from "@/server/gateway/types";
import { createToolCallId, generateContentResponseSchema, hasFunctionCall, isFinished, mapFinishReason, mapUsage, type GeminiCandidate } from "./wire";

const malformed = { ok: false, error: { kind: "upstream", provider: "gemini", status: 502, message: "malformed response" } } as const;

function toChoice(candidate: GeminiCandidate, position: number): ChatChoice {
  const parts = candidate.content?.parts ?? [];
  const texts: string[] = [];
  const thoughts: string[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const part of parts) {
    if (part.functionCall) {
      const { id, name, args } = part.functionCall;
      toolCalls.push({ id: createToolCallId(toolCalls.length, id), name, arguments: JSON.stringify(args ?? {}) });
    } else if (part.text !== undefined) {
      (part.thought ? thoughts : texts).push(part.text);
    }
  }
  const choice: ChatChoice = {
    index: candidate.index ?? position,
    text: texts.length > 0 ? texts.join("") : null,
    finishReason: mapFinishReason(isFinished(candidate.finishReason) ? candidate.finishReason : undefined, hasFunctionCall(parts)),
  };
  if (thoughts.length > 0) choice.reasoning = thoughts.join("");
  if (toolCalls.length > 0) choice.toolCalls = toolCalls;
  return choice;
}

export function parseResponse(body: unknown): Result<ChatResult> {
  const parsed = generateContentResponseSchema.safeParse(body);
  if (!parsed.success) return malformed;
  const response = parsed.data;
  const candidates = response.candidates ?? [];
  let choices: ChatChoice[];
  if (candidates.length > 0) {
    choices = candidates.map(toChoice).sort((left, right) => left.index - right.index);
  } else if (response.promptFeedback?.blockReason) {
    choices = [{ index: 0, text: null, finishReason: "content_filter" }];
  } else {
    return malformed;
  }
  const result: ChatResult = { choices };
  const usage = mapUsage(response.usageMetadata);
  if (usage) result.usage = usage;
  if (response.responseId) result.upstreamId = response.responseId;
  return { ok: true, value: result };
}
