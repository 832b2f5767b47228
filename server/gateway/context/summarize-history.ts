import type { ChatMessage, GatewayError, Result } from "../types";
import type { ChildAnswer } from "./child-chat";
import { splitConversation } from "./conversation-turns";
import { prefixHashes } from "./prefix-hashes";
import { renderTranscript } from "./render-transcript";
import type { StoredSummary, SummaryStore } from "./summary-store";
import { fits, truncateHistory, type FitBudget } from "./truncate-history";

/** The most the summary may take of the window; the verbatim tail keeps at most half of what is left. */
export const SUMMARY_MAX_TOKENS = 1024;

export interface SummarizeOptions {
  orgId: string;
  summarizeModel: string;
  budget: FitBudget;
  /** Tokens of messages[index], and of a text (the summary message). */
  tokensOf: (index: number) => number;
  tokensOfText: (text: string) => number;
  store?: SummaryStore;
  /** Writes a summary of the transcript (previous summary first) through the gateway's chat path (child-chat.ts). */
  summarize: (transcript: string, previous: string | undefined) => Promise<Result<ChildAnswer>>;
}

export interface Summarization {
  messages: ChatMessage[];
  summarizedMessages: number;
  cached: boolean;
  requestId: string;
  picos: bigint;
  summaryTokens: number;
  tokensBefore: number;
  tokensAfter: number;
  droppedTurns: number;
  droppedMessages: number;
}

const PREFIX = "Summary of the earlier conversation (the gateway summarized it to fit the context window):\n";

/**
 * Replaces the older turns with one system message summarizing them (README "Context-window management",
 * summarize). A summary stored for the longest prefix of this conversation is reused when it makes the prompt fit;
 * otherwise the turns that do not fit in half of the room left are summarized (the stored summary, if any, and the
 * turns after it: incremental), stored, and used. System and developer messages and the latest turn stay verbatim.
 * Undefined error: the conversation has nothing older to summarize, or still cannot fit.
 */
export async function summarizeHistory(messages: readonly ChatMessage[], options: SummarizeOptions): Promise<Result<Summarization>> {
  const { budget, tokensOf } = options;
  const conversation = splitConversation(messages);
  const turnTokens = conversation.turns.map((turn) => turn.reduce((sum, index) => sum + tokensOf(index), 0));
  const pinnedTokens = conversation.pinned.reduce((sum, index) => sum + tokensOf(index), 0);
  const tokensBefore = budget.overhead + pinnedTokens + turnTokens.reduce((sum, tokens) => sum + tokens, 0);
  const overflow: GatewayError = { kind: "invalid_request", message: "The prompt and max_tokens exceed the model's context window, and no older history is left to summarize.", code: "context_length_exceeded", param: "messages" };
  if (conversation.turns.length < 2) return { ok: false, error: overflow };

  const hashes = prefixHashes(messages, conversation.turns, options.summarizeModel);
  const boundaryOf = new Map(hashes.map((hash, boundary) => [hash, boundary]));
  const stored = options.store ? await options.store.findLongest(options.orgId, hashes.slice(1, conversation.turns.length)) : undefined;
  const storedBoundary = stored ? boundaryOf.get(stored.prefixHash)! : 0;
  const tailTokens = (from: number) => turnTokens.slice(from).reduce((sum, tokens) => sum + tokens, 0);
  const fixed = budget.overhead + pinnedTokens;
  const reused = stored && fits(fixed + summaryTokens(stored.summary, options) + tailTokens(storedBoundary), budget) ? build(messages, conversation.turns, storedBoundary, stored, true, 0n, tokensBefore, options) : undefined;
  if (reused) return { ok: true, value: reused };

  // Keep verbatim the newest turns that fit in half of the room left after the summary (at least the latest turn).
  const room = budget.window - budget.reserved - fixed - SUMMARY_MAX_TOKENS;
  let boundary = conversation.turns.length - 1;
  while (boundary > storedBoundary + 1 && tailTokens(boundary - 1) <= room / 2) boundary--;
  const older = conversation.turns.slice(storedBoundary, boundary).flat().map((index) => messages[index]);
  const written = await options.summarize(renderTranscript(older), stored?.summary);
  if (!written.ok) return written;
  const summary: StoredSummary = {
    prefixHash: hashes[boundary],
    messageCount: conversation.turns.slice(0, boundary).flat().length,
    summary: written.value.text,
    tokens: 0,
    model: options.summarizeModel,
    requestId: written.value.requestId,
  };
  summary.tokens = summaryTokens(summary.summary, options);
  await options.store?.save(options.orgId, summary);
  const result = build(messages, conversation.turns, boundary, summary, false, written.value.picos, tokensBefore, options);
  return result ? { ok: true, value: result } : { ok: false, error: overflow };
}

function summaryTokens(summary: string, options: Pick<SummarizeOptions, "tokensOfText">): number {
  return options.tokensOfText(PREFIX + summary) + 3;
}

/** The conversation with turns before `boundary` replaced by the summary, cut further (oldest turns) if still too long; undefined: it cannot fit. */
function build(messages: readonly ChatMessage[], turns: number[][], boundary: number, summary: StoredSummary, cached: boolean, picos: bigint, tokensBefore: number, options: SummarizeOptions): Summarization | undefined {
  const summarized = new Set(turns.slice(0, boundary).flat());
  const firstKept = turns[boundary][0];
  const summaryMessage: ChatMessage = { role: "system", content: PREFIX + summary.summary };
  const replaced: ChatMessage[] = [];
  const origin: number[] = [];
  messages.forEach((message, index) => {
    if (index === firstKept) {
      replaced.push(summaryMessage);
      origin.push(-1);
    }
    if (!summarized.has(index)) {
      replaced.push(message);
      origin.push(index);
    }
  });
  const tokensOf = (position: number) => (origin[position] === -1 ? summaryTokens(summary.summary, options) : options.tokensOf(origin[position]));
  const cut = truncateHistory(replaced, tokensOf, options.budget);
  if (!cut) return undefined;
  return {
    messages: cut.messages,
    summarizedMessages: summarized.size,
    cached,
    requestId: summary.requestId,
    picos,
    summaryTokens: summaryTokens(summary.summary, options),
    tokensBefore,
    tokensAfter: cut.tokensAfter,
    droppedTurns: cut.droppedTurns,
    droppedMessages: cut.droppedMessages,
  };
}
