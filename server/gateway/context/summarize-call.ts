import type { GatewayDeps } from "../deps";
import type { RequestRecord } from "../ledger";
import type { Result } from "../types";
import { runChildChat, type ChildAnswer, type ChildOptions } from "./child-chat";
import { fitTranscript } from "./render-transcript";
import { SUMMARY_MAX_TOKENS } from "./summarize-history";
import { tokenCounterFor, tokenFamilyOf } from "./count-prompt";

const INSTRUCTION =
  "You summarize conversations for an assistant that will continue them. Write a concise summary of the conversation " +
  "below that keeps every fact, decision, name, number, code identifier, open question and instruction the assistant " +
  "may need later, in the order they came up. Answer with the summary only.";

/** The summarizer's own window is kept free for its instruction, its answer and framing. */
const SUMMARIZER_OVERHEAD_TOKENS = 512;

/**
 * The summary request (summarize mode): the configured model, non-stream, through runChildChat (a child ledger row).
 * The previous summary of the conversation, when one is extended, comes first; a transcript longer than the
 * summarizer's window keeps its latest part.
 */
export async function summarizeWith(deps: GatewayDeps, parent: RequestRecord, model: string, transcript: string, previous: string | undefined, options: ChildOptions): Promise<Result<ChildAnswer>> {
  const text = previous ? `Summary so far:\n${previous}\n\nConversation since:\n${transcript}` : transcript;
  const entry = deps.config.findModel(parent.key.orgId, model);
  let content = text;
  if (entry?.contextWindow) {
    const counter = await tokenCounterFor(tokenFamilyOf(entry));
    content = fitTranscript(text, counter.text(text), Math.max(1, entry.contextWindow - SUMMARY_MAX_TOKENS - SUMMARIZER_OVERHEAD_TOKENS)).text;
  }
  return runChildChat(
    deps,
    parent,
    {
      model,
      messages: [
        { role: "system", content: INSTRUCTION },
        { role: "user", content },
      ],
      max_tokens: SUMMARY_MAX_TOKENS,
      ...(parent.chatRequest?.user ? { user: parent.chatRequest.user } : {}),
    },
    options,
  );
}
