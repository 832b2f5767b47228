import type { ChatMessage } from "../types";
import { keepMessages, splitConversation } from "./conversation-turns";

export interface FitBudget {
  /** The model's context window. */
  window: number;
  /** Tokens the answer may take (max_tokens, else none) plus the margin. */
  reserved: number;
  /** Tokens outside the messages (tool definitions, reply framing). */
  overhead: number;
}

export interface Truncation {
  messages: ChatMessage[];
  droppedMessages: number;
  droppedTurns: number;
  tokensBefore: number;
  tokensAfter: number;
}

/** Whether a prompt of `promptTokens` (overhead included) plus what is reserved fits the window. */
export function fits(promptTokens: number, budget: Pick<FitBudget, "window" | "reserved">): boolean {
  return promptTokens + budget.reserved <= budget.window;
}

/**
 * Drops the oldest whole turns (conversation-turns.ts) until the prompt plus the reserved answer fits the window.
 * System and developer messages and the latest turn are always kept; undefined when even they do not fit (the caller
 * answers context_length_exceeded). `tokensOf(index)` is the token count of messages[index].
 */
export function truncateHistory(messages: readonly ChatMessage[], tokensOf: (index: number) => number, budget: FitBudget): Truncation | undefined {
  const conversation = splitConversation(messages);
  const turnTokens = conversation.turns.map((turn) => turn.reduce((sum, index) => sum + tokensOf(index), 0));
  const pinnedTokens = conversation.pinned.reduce((sum, index) => sum + tokensOf(index), 0);
  const tokensBefore = budget.overhead + pinnedTokens + turnTokens.reduce((sum, tokens) => sum + tokens, 0);
  let tokens = tokensBefore;
  let dropped = 0;
  while (!fits(tokens, budget) && dropped < conversation.turns.length - 1) tokens -= turnTokens[dropped++];
  if (!fits(tokens, budget)) return undefined;
  const kept = keepMessages(messages, conversation, dropped);
  return { messages: kept, droppedMessages: messages.length - kept.length, droppedTurns: dropped, tokensBefore, tokensAfter: tokens };
}
