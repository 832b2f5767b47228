/**
 * What context-window management did to a request (usage_ledger.context_trace; README "Context-window management").
 * Counts and ids only, never message text.
 */
export interface ContextTraceValue {
  mode: "error" | "truncate" | "summarize" | "fallback" | "split";
  /** Where the mode came from: the x-modelgate-context header, the group's or the model's settings. */
  source: "header" | "group" | "model";
  /** The tokenizer the counts are in (o200k_base, cl100k_base, or the conservative estimate). */
  family: string;
  /** The context window the prompt was fitted to, and what was kept free for the answer (max_tokens + margin). */
  window: number;
  reserved: number;
  /** What happened: the prompt fitted as sent, was cut, summarized, sent to a larger model, or refused. */
  action: "fits" | "truncated" | "summarized" | "fallback" | "split" | "refused";
  tokensBefore: number;
  tokensAfter: number;
  messagesBefore: number;
  messagesAfter: number;
  /** truncate (and summarize, for what it left out): whole turns and their messages dropped, oldest first. */
  droppedTurns?: number;
  droppedMessages?: number;
  /** summarize: the summary that replaced the older history. */
  summary?: {
    model: string;
    /** Messages of the original conversation the summary stands for. */
    summarizedMessages: number;
    /** Reused from an earlier turn of the conversation (no new request), or written now by the child request. */
    cached: boolean;
    /** The child request that wrote it (this request's, or the earlier one's when cached). */
    requestId: string;
    /** What writing it cost this request (0 when cached). */
    costUsd: string;
    tokens: number;
  };
  /** fallback: the name the caller asked for, and the larger-context model or group that served the request instead. */
  fallback?: { from: string; to: string };
  /** split: the document's parts (each a map request, a child), their size and overlap in tokens. */
  split?: { parts: number; partTokens: number; overlapTokens: number; documentTokens: number };
  /** Ledger ids of this request's child requests (parent_id points back here). */
  children?: string[];
  /** This row's cost plus its children's: what the request cost in all (each row's cost_usd holds only its own). */
  totalCostUsd?: string;
  note?: string;
}
