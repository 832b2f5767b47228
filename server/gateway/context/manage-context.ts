import type { ContextTraceValue } from "@/db/schema/context-trace";
import type { GatewayRequest } from "../contract";
import type { GatewayDeps } from "../deps";
import type { RequestRecord } from "../ledger";
import { picosToDecimal } from "../pricing";
import { policyRefusalFor } from "../routing/plan-route";
import type { ChatRequest, GatewayError, Result } from "../types";
import { CONTEXT_HEADER, readContextMode, type ContextMode } from "./context-settings";
import { findContextTarget, windowOf, type ContextTarget } from "./context-target";
import { countMessageTokens, countRequestOverhead, tokenCounterFor, tokenFamilyOf, upperBoundTokens } from "./count-prompt";
import { summarizeWith } from "./summarize-call";
import { splitDocument } from "./split-document";
import { summarizeHistory } from "./summarize-history";
import { fits, truncateHistory, type FitBudget } from "./truncate-history";

/** The routing's fit check counts ~4 characters a token plus 4 a message: never count below it, or routing would refuse. */
const routingEstimate = (characters: number) => Math.ceil(characters / 4) + 4;

/**
 * Context-window management (README "Context-window management"), before routing and budgets: in mode `error` (the
 * default) nothing is done. Otherwise a request whose prompt plus max_tokens and the margin could exceed the window
 * (a bound from its byte size, so most requests are never tokenized) is counted with its model family's tokenizer
 * and, when it overflows, truncated, summarized, or sent to the fallback model. Every transformation lands in
 * `record.context` (the ledger row's context_trace).
 */
export async function manageContext(deps: GatewayDeps, record: RequestRecord, chatRequest: ChatRequest, request: Pick<GatewayRequest, "header">, signal: AbortSignal): Promise<Result<ChatRequest>> {
  const header = request.header(CONTEXT_HEADER);
  const target = findContextTarget(deps.config, record.key, chatRequest.model);
  if (!target) return { ok: true, value: chatRequest };
  const mode = readContextMode(header, target.settings);
  if (!mode.ok) return { ok: false, error: { kind: "invalid_request", message: mode.message, code: "invalid_context_mode", param: CONTEXT_HEADER } };
  if (mode.mode === "error" || !target.model) return { ok: true, value: chatRequest };
  const missing = missingSetting(mode.mode, target);
  if (missing) return { ok: false, error: { kind: "invalid_request", message: missing, code: "context_mode_unavailable", param: CONTEXT_HEADER } };
  const window = target.model.contextWindow;
  const reserved = (chatRequest.max_completion_tokens ?? chatRequest.max_tokens ?? 0) + target.settings.margin_tokens;
  if (upperBoundTokens(chatRequest) + reserved <= window) return { ok: true, value: chatRequest };

  const counter = await tokenCounterFor(tokenFamilyOf(target.model));
  const messageTokens = chatRequest.messages.map((message) => Math.max(countMessageTokens(message, counter), routingEstimate(characterCount(message))));
  const overhead = Math.max(countRequestOverhead(chatRequest, counter), chatRequest.tools ? Math.ceil(JSON.stringify(chatRequest.tools).length / 4) : 0);
  const budget: FitBudget = { window, reserved, overhead };
  const tokensBefore = messageTokens.reduce((sum, tokens) => sum + tokens, overhead);
  const trace: ContextTraceValue = {
    mode: mode.mode,
    source: header ? "header" : target.source,
    family: counter.family,
    window,
    reserved,
    action: "fits",
    tokensBefore,
    tokensAfter: tokensBefore,
    messagesBefore: chatRequest.messages.length,
    messagesAfter: chatRequest.messages.length,
  };
  record.context = trace;
  if (fits(tokensBefore, budget)) return { ok: true, value: chatRequest };
  const refuse = (error?: GatewayError): Result<ChatRequest> => {
    trace.action = "refused";
    return { ok: false, error: error ?? overflowError(tokensBefore, budget) };
  };

  if (mode.mode === "truncate") {
    const cut = truncateHistory(chatRequest.messages, (index) => messageTokens[index], budget);
    if (!cut) return refuse();
    Object.assign(trace, { action: "truncated", tokensAfter: cut.tokensAfter, messagesAfter: cut.messages.length, droppedTurns: cut.droppedTurns, droppedMessages: cut.droppedMessages });
    return { ok: true, value: { ...chatRequest, messages: cut.messages } };
  }
  if (mode.mode === "fallback") {
    // A group's own fallbacks come first: its routing sends the request to one whose window fits.
    const routed = target.fallbacks.some((name) => fits(tokensBefore, { window: windowOf(deps.config, record.key, name) ?? 0, reserved }));
    if (routed) return (trace.note = "a fallback of the group fits: its routing serves the request", { ok: true, value: chatRequest });
    const to = target.settings.fallback_model;
    const larger = to ? windowOf(deps.config, record.key, to) : undefined;
    if (!to || larger === undefined || !fits(tokensBefore, { window: larger, reserved })) return refuse();
    Object.assign(trace, { action: "fallback", fallback: { from: chatRequest.model, to }, window: larger });
    return { ok: true, value: { ...chatRequest, model: to } };
  }
  const child = { signal, policyRefusal: policyRefusalFor(deps, record.key, chatRequest, request) };
  if (mode.mode === "split") {
    const split = await splitDocument(deps, record, chatRequest, { model: target.model, settings: target.settings, counter, budget, messageTokens, child });
    if (!split.ok) return refuse(split.error);
    const { value } = split;
    Object.assign(trace, {
      action: "split",
      tokensAfter: value.tokensAfter,
      messagesAfter: value.chatRequest.messages.length,
      split: { parts: value.parts, partTokens: value.partTokens, overlapTokens: value.overlapTokens, documentTokens: value.documentTokens },
      children: value.children,
    });
    return { ok: true, value: value.chatRequest };
  }
  const summarizeModel = target.settings.summarize_model!;
  const summarized = await summarizeHistory(chatRequest.messages, {
    orgId: record.key.orgId,
    summarizeModel,
    budget,
    tokensOf: (index) => messageTokens[index],
    tokensOfText: (text) => Math.max(counter.text(text), routingEstimate(text.length)),
    store: deps.contextSummaries,
    summarize: (transcript, previous) => summarizeWith(deps, record, summarizeModel, transcript, previous, child),
  });
  if (!summarized.ok) return refuse(summarized.error);
  const value = summarized.value;
  Object.assign(trace, {
    action: "summarized",
    tokensAfter: value.tokensAfter,
    messagesAfter: value.messages.length,
    ...(value.droppedTurns > 0 ? { droppedTurns: value.droppedTurns, droppedMessages: value.droppedMessages } : {}),
    summary: { model: summarizeModel, summarizedMessages: value.summarizedMessages, cached: value.cached, requestId: value.requestId, costUsd: picosToDecimal(value.picos), tokens: value.summaryTokens },
  });
  if (!value.cached) trace.children = [value.requestId];
  return { ok: true, value: { ...chatRequest, messages: value.messages } };
}

function missingSetting(mode: ContextMode, target: ContextTarget): string | undefined {
  if (mode === "summarize" && !target.settings.summarize_model) return `Context mode 'summarize' needs a summarize_model in the ${target.source}'s context settings.`;
  if (mode === "fallback" && !target.settings.fallback_model && target.fallbacks.length === 0) return `Context mode 'fallback' needs a fallback_model in the ${target.source}'s context settings.`;
  return undefined;
}

function characterCount(message: ChatRequest["messages"][number]): number {
  const content = "content" in message ? message.content : null;
  const text = typeof content === "string" ? content.length : Array.isArray(content) ? (content as { text?: string }[]).reduce((sum, part) => sum + (part.text?.length ?? 0), 0) : 0;
  return text;
}

function overflowError(tokens: number, budget: FitBudget): GatewayError {
  return {
    kind: "invalid_request",
    message: `This model's maximum context length is ${budget.window} tokens. However, your messages resulted in about ${tokens} tokens (with ${budget.reserved} kept for the answer). Please reduce the length of the messages.`,
    code: "context_length_exceeded",
    param: "messages",
  };
}
