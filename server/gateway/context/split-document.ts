import type { ModelEntry } from "../config/config-source";
import type { GatewayDeps } from "../deps";
import type { RequestRecord } from "../ledger";
import type { ChatMessage, ChatRequest, GatewayError, Result } from "../types";
import { runChildChat, type ChildAnswer, type ChildOptions } from "./child-chat";
import { chunkRanges, readDocumentMessage } from "./chunk-document";
import type { ContextSettings } from "./context-settings";
import { tokenCodecFor, type TokenCounter } from "./count-prompt";
import { fits, type FitBudget } from "./truncate-history";

/** At most this many parts (map requests) per document. */
export const MAX_PARTS = 64;
/** Output tokens of one map request (the caller's max_tokens when smaller). */
const MAP_MAX_TOKENS = 1024;
/** Tokens of the wrapper text around a part ("part i of n …") and its framing. */
const WRAPPER_TOKENS = 64;
/** Parts smaller than this are not worth a request: the instruction and the system prompt leave no room. */
const MIN_PART_TOKENS = 256;

export interface SplitOptions {
  model: ModelEntry & { contextWindow: number };
  settings: ContextSettings;
  counter: TokenCounter;
  budget: FitBudget;
  /** Tokens of each message of the request (as counted for the fit). */
  messageTokens: number[];
  child: Omit<ChildOptions, "resolved">;
}

export interface Split {
  chatRequest: ChatRequest;
  parts: number;
  partTokens: number;
  overlapTokens: number;
  documentTokens: number;
  children: string[];
  tokensAfter: number;
}

const overflow = (message: string): GatewayError => ({ kind: "invalid_request", message, code: "context_length_exceeded", param: "messages" });

/**
 * Split and stitch (README "Context-window management", split): the last user message's document is cut on token
 * boundaries into overlapping parts that fit the window with the instruction and the system messages; each part is a
 * map request (a child, at most `split_concurrency` at once); the request itself becomes the reduce request, which
 * combines the partial answers and is answered (streamed or not) by the normal pipeline.
 */
export async function splitDocument(deps: GatewayDeps, record: RequestRecord, chatRequest: ChatRequest, options: SplitOptions): Promise<Result<Split>> {
  const { counter, budget, settings } = options;
  const last = chatRequest.messages.at(-1);
  const found = readDocumentMessage(last);
  if (!found) return { ok: false, error: overflow("The prompt exceeds the model's context window, and its last message is no instruction with a document to split (an instruction paragraph, a blank line, then the document; or several text parts).") };
  const others = chatRequest.messages.slice(0, -1);
  const instructions = others.filter((message) => message.role === "system" || message.role === "developer");
  const othersTokens = budget.overhead + options.messageTokens.slice(0, -1).reduce((sum, tokens) => sum + tokens, 0);
  const mapOutput = Math.min(chatRequest.max_completion_tokens ?? chatRequest.max_tokens ?? MAP_MAX_TOKENS, MAP_MAX_TOKENS);
  const room = budget.window - mapOutput - settings.margin_tokens - othersTokens - counter.text(found.instruction) - WRAPPER_TOKENS;
  // The estimate family counts 1.2 tokens per o200k_base token: parts are cut in o200k_base tokens.
  const partTokens = counter.family === "estimate" ? Math.floor((room * 5) / 6) : room;
  if (partTokens < MIN_PART_TOKENS) return { ok: false, error: overflow("The system messages and the instruction leave no room in the model's context window for a part of the document.") };
  const codec = await tokenCodecFor(counter.family);
  const tokens = codec.encode(found.document);
  const ranges = chunkRanges(tokens.length, partTokens, settings.split_overlap_tokens);
  if (ranges.length > MAX_PARTS) return { ok: false, error: overflow(`The document needs ${ranges.length} parts of ${partTokens} tokens in this model's context window; at most ${MAX_PARTS} are made.`) };

  const answers = await mapParts(ranges.length, settings.split_concurrency, (index) => {
    const [start, end] = ranges[index];
    const content = `${found.instruction}\n\nThe document is too long to read at once: this is part ${index + 1} of ${ranges.length} (parts overlap a little). Answer from this part only; if it holds nothing relevant, say so in one line.\n\n${codec.decode(tokens.slice(start, end))}`;
    const messages: ChatMessage[] = [...instructions, { role: "user", content }];
    return runChildChat(deps, record, { model: options.model.name, messages, max_tokens: mapOutput, ...(chatRequest.user ? { user: chatRequest.user } : {}) }, { ...options.child, resolved: options.model });
  });
  const failed = answers.find((answer) => !answer.ok);
  if (failed && !failed.ok) return failed;
  const done = answers.map((answer) => (answer as { ok: true; value: ChildAnswer }).value);
  const partials = done.map((answer, index) => `--- part ${index + 1} of ${done.length} ---\n${answer.text}`).join("\n\n");
  const reduce = `${found.instruction}\n\nThe document was too long to read at once, so it was read in ${done.length} overlapping parts; below are the answers from each part. Combine them into one answer to the instruction above, as if you had read the whole document: merge duplicates (from the overlaps), keep the document's order, and leave out parts that held nothing relevant.\n\n${partials}`;
  const tokensAfter = othersTokens + counter.text(reduce) + 3;
  if (!fits(tokensAfter, budget)) return { ok: false, error: overflow("The partial answers of the document's parts do not fit the model's context window together.") };
  return {
    ok: true,
    value: { chatRequest: { ...chatRequest, messages: [...others, { role: "user", content: reduce }] }, parts: ranges.length, partTokens, overlapTokens: settings.split_overlap_tokens, documentTokens: tokens.length, children: done.map((answer) => answer.requestId), tokensAfter },
  };
}

/** Runs `count` tasks with at most `concurrency` in flight; results in task order. */
async function mapParts<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
