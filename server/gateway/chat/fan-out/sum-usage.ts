import type { ChatRequest, Usage } from "../../types";
import { completeUsage } from "../../estimate-tokens";

/** What the calls of one fanned-out request consumed, for its one ledger row. */
export interface Spent {
  usage: Usage;
  /** Some call's tokens were counted with the tokenizer (the provider reported none). */
  usageEstimated: boolean;
}

/** Token counts added field by field. Cost is linear in each count, so the row's cost is exactly the calls' costs summed. */
export function sumUsage(usages: readonly Usage[]): Usage {
  const total: Usage = { inputTokens: 0, outputTokens: 0 };
  for (const usage of usages) {
    total.inputTokens += usage.inputTokens;
    total.outputTokens += usage.outputTokens;
    for (const field of ["cachedInputTokens", "cacheWriteTokens", "cacheWrite1hTokens", "reasoningTokens"] as const) {
      if (usage[field] !== undefined) total[field] = (total[field] ?? 0) + usage[field];
    }
  }
  return total;
}

/** One call's share: what the provider reported, the rest estimated from the prompt and the text it produced. */
export interface CallConsumption {
  reported: Usage | undefined;
  producedText: string;
}

/**
 * Each call is completed on its own (a call without usage is estimated with its own prompt, so n calls count n
 * prompts), then summed. Undefined when no call consumed anything.
 */
export async function spentBy(calls: readonly CallConsumption[], request: ChatRequest): Promise<Spent | undefined> {
  if (calls.length === 0) return undefined;
  const completed = await Promise.all(calls.map((call) => completeUsage(call.reported, request, call.producedText)));
  return { usage: sumUsage(completed.map((entry) => entry.usage)), usageEstimated: completed.some((entry) => entry.estimated) };
}
