import type { GatewayResponse } from "../contract";
import { answerChatResult } from "../chat/complete-chat";
import type { ChatCall } from "../chat/chat-call";
import { failedAnswer } from "../chat/failed-answer";
import { openStream, type OpenedStream } from "../chat/open-stream";
import { readChatResult } from "../chat/read-chat-result";
import { sendWithAttempts } from "../chat/send-attempts";
import { streamOpened } from "../chat/stream-chat";
import type { GatewayDeps } from "../deps";
import { inlineRemoteImages } from "../inline-remote-images";
import { toTarget } from "../resolve-target";
import type { ChatRequest, ChatResult, ProviderAdapter, Result } from "../types";
import { parseResetHeaders } from "./backoff";
import type { DeploymentEntry } from "./group-entry";
import type { RoutePlan } from "./plan-route";
import type { RoutingState } from "./routing-state";
import { runRoute } from "./run-route";

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * A chat request to a model group (stream or not): the plan's deployments are attempted by runRoute, one upstream
 * send each (the group's own loop replaces the gateway's plain retry). A stream is committed only once an attempt
 * produced its first event (openStream peeks it), so every failure before that can still fall back. The request is
 * billed and settled once, at the price of the deployment that served it; its trace rides on the ledger row.
 */
export async function routeChat(call: ChatCall, plan: RoutePlan, state: RoutingState): Promise<GatewayResponse> {
  const { deps, record, format, clientSignal } = call;
  record.route = plan.trace;
  const baseWarnings = record.warnings.slice(0, plan.warningsBefore);
  const firstTokenMs = plan.group.definition.timeouts.first_token_ms;
  const single: GatewayDeps = { ...deps, options: { ...deps.options, maxRetries: 0, firstTokenTimeoutMs: firstTokenMs ?? deps.options.firstTokenTimeoutMs } };
  const startedAt = state.now();
  const isRefusal = plan.group.definition.fallback_on.content_filter ? (value: unknown) => isContentFiltered(value, record.stream) : undefined;
  let release: (() => void) | undefined;

  const outcome = await runRoute<ChatResult | OpenedStream>(plan.group, plan.order, plan.trace, { state, signal: call.signal, startedAt, random: Math.random, sleep, isRefusal }, async (deployment) => {
    const attempt = await prepareAttempt(call, single, deployment, baseWarnings);
    if (!attempt.ok) return attempt;
    const end = state.begin(deployment.healthKey);
    const attemptStart = state.now();
    const controller = new AbortController();
    const attemptCall: ChatCall = { ...attempt.value, signal: AbortSignal.any([call.signal, controller.signal]) };
    // The group's first-token limit covers the send and the first event (stream) or the whole answer (non-stream).
    let timedOut = false;
    const timer = firstTokenMs !== undefined ? setTimeout(() => ((timedOut = true), controller.abort()), firstTokenMs) : undefined;
    let result: Result<ChatResult | OpenedStream> = record.stream
      ? await openStream(attemptCall, attemptCall.upstreamRequest)
      : await sendWithAttempts<ChatResult>(single, record, attemptCall.adapter, attemptCall.upstreamRequest, attemptCall.signal, (response) => readChatResult(response, attemptCall.adapter));
    clearTimeout(timer);
    if (!result.ok && timedOut && !call.signal.aborted) result = { ok: false, error: { kind: "timeout", phase: "first_token" } };
    if (!result.ok) {
      // A failed attempt is over upstream at once: the next one never runs beside it or on its clock.
      controller.abort();
      end();
      return result;
    }
    const ttftMs = state.now() - attemptStart;
    release?.();
    release = () => {
      end();
      state.observeLatency(deployment.healthKey, { ttftMs, totalMs: state.now() - attemptStart });
    };
    return result;
  });

  const served = outcome.deployment;
  if (!outcome.result.ok || !served) {
    release?.();
    return failedAnswer(deps, record, format, outcome.result.ok ? { kind: "internal" } : outcome.result.error, clientSignal);
  }
  plan.trace.chosen = served.id;
  const previous = record.onSettled;
  record.onSettled = () => {
    previous?.();
    release?.();
  };
  const servedCall: ChatCall = { ...call, chatRequest: withOverrides(call.chatRequest, served), adapter: deps.adapters[served.model.connection.kind]! };
  return record.stream ? streamOpened(servedCall, outcome.result.value as OpenedStream) : answerChatResult(servedCall, outcome.result.value as ChatResult);
}

/** The request as this deployment gets it: its model, its overrides, its provider's wire format. */
async function prepareAttempt(call: ChatCall, single: GatewayDeps, deployment: DeploymentEntry, baseWarnings: ChatCall["record"]["warnings"]): Promise<Result<ChatCall>> {
  const { record } = call;
  const base = single.adapters[deployment.model.connection.kind];
  if (!base) return { ok: false, error: { kind: "no_route", model: deployment.model.name } };
  const adapter = withResetHeaders(base);
  record.model = deployment.model;
  const request = withOverrides(call.chatRequest, deployment);
  const inlined = await inlineRemoteImages(request, adapter, call.signal);
  if (!inlined.ok) return inlined;
  const target = { ...toTarget(deployment.model, deployment.promptCache), modelName: call.chatRequest.model };
  const upstreamRequest = adapter.buildRequest(inlined.value, target);
  record.warnings = [...baseWarnings, ...upstreamRequest.warnings];
  if (upstreamRequest.rejection) return { ok: false, error: upstreamRequest.rejection };
  return { ok: true, value: { ...call, deps: single, adapter, upstreamRequest, chatRequest: request } };
}

/** Deployment overrides replace the caller's values (README: e.g. a smaller max_tokens, a reasoning_effort). */
function withOverrides(request: ChatRequest, deployment: DeploymentEntry): ChatRequest {
  const { overrides } = deployment;
  if (Object.keys(overrides).length === 0) return request;
  const next: ChatRequest = { ...request, ...overrides };
  if (overrides.max_tokens !== undefined && request.max_completion_tokens != null) next.max_completion_tokens = overrides.max_tokens;
  return next;
}

/** The adapter, with a 429 that names no Retry-After read for the provider's rate-limit reset headers instead. */
function withResetHeaders(adapter: ProviderAdapter): ProviderAdapter {
  const wrapped = Object.create(adapter) as ProviderAdapter;
  wrapped.parseError = (status, body, headers) => {
    const error = adapter.parseError(status, body, headers);
    if (status === 429 && error.kind === "upstream" && error.retryAfterMs === undefined) {
      const reset = parseResetHeaders(headers, Date.now());
      if (reset !== undefined) return { ...error, retryAfterMs: reset };
    }
    return error;
  };
  return wrapped;
}

/** Every choice refused by the provider's content filter (a stream: its first event already finished so). */
function isContentFiltered(value: unknown, stream: boolean): boolean {
  if (stream) {
    const first = (value as OpenedStream).first;
    return first.type === "finish" && first.finishReasons.length > 0 && first.finishReasons.every((reason) => reason === "content_filter");
  }
  const choices = (value as ChatResult).choices;
  return choices.length > 0 && choices.every((choice) => choice.finishReason === "content_filter");
}
