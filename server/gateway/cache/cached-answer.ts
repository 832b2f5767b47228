import { z } from "zod";
import type { ChatResult, FinishReason, Usage } from "../types";

/**
 * What the cache keeps of an answer: the normalized result (format-neutral, so a hit is encoded like a live answer),
 * its complete usage, what it cost, and when and by what it was produced. Stored as JSON in Redis or PostgreSQL and
 * parsed back with cachedAnswerSchema (a row is data from outside the process).
 */
const usageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative().optional(),
  cacheWriteTokens: z.number().int().nonnegative().optional(),
  reasoningTokens: z.number().int().nonnegative().optional(),
});

const choiceSchema = z.object({
  index: z.number().int().nonnegative(),
  text: z.string().nullable(),
  reasoning: z.string().optional(),
  reasoningSignature: z.string().optional(),
  redactedReasoning: z.array(z.string()).optional(),
  toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.string() })).optional(),
  finishReason: z.enum(["stop", "length", "tool_calls", "content_filter"]),
});

export const cachedAnswerSchema = z.object({
  v: z.literal(1),
  choices: z.array(choiceSchema).min(1),
  usage: usageSchema,
  /** Picodollars, as a decimal string (exact). */
  costPicos: z.string().regex(/^\d+$/),
  /** Unix milliseconds. */
  createdAt: z.number().int(),
  servedModel: z.string().nullable(),
});
export type CachedAnswer = z.infer<typeof cachedAnswerSchema>;

/** Finish reasons of a complete, untruncated answer: only these are stored (a `length` answer was cut short). */
const STORABLE_FINISHES: ReadonlySet<FinishReason> = new Set(["stop", "tool_calls"]);

/** Whether an answer may be stored: every choice finished cleanly and every tool call's arguments are valid JSON. */
export function isStorable(result: ChatResult): boolean {
  if (result.choices.length === 0) return false;
  for (const choice of result.choices) {
    if (!STORABLE_FINISHES.has(choice.finishReason)) return false;
    for (const call of choice.toolCalls ?? []) if (!isJson(call.arguments)) return false;
  }
  return true;
}

export function toCachedAnswer(result: ChatResult, usage: Usage, costPicos: bigint, servedModel: string | null, now = Date.now()): CachedAnswer {
  return { v: 1, choices: result.choices, usage, costPicos: costPicos.toString(), createdAt: now, servedModel };
}

/** A stored answer back as JSON text → CachedAnswer, or undefined when it no longer parses (treated as a miss). */
export function parseCachedAnswer(value: unknown): CachedAnswer | undefined {
  const parsed = cachedAnswerSchema.safeParse(typeof value === "string" ? safeJson(value) : value);
  return parsed.success ? parsed.data : undefined;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
