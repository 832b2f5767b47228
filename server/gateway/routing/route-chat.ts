import type { GatewayResponse } from "../contract";
import { answerChatResult } from "../chat/complete-chat";
import type { ChatCall } from "../chat/chat-call";
import { failedAnswer } from "../chat/failed-answer";
import { openStream, type OpenedStream } from "../chat/open-stream";
import { producedTextOf, readChatResult } from "../chat/read-chat-result";
import { sendWithAttempts } from "../chat/send-attempts";
import { streamOpened } from "../chat/stream-chat";
import type { GatewayDeps } from "../deps";
import { inlineRemoteImages } from "../inline-remote-images";
import { toTarget } from "../resolve-target";
import type { ChatRequest, ChatResult, GatewayError, ProviderAdapter, Result } from "../types";
import { judgeResult, tapQuality, type AnswerQuality } from "./answer-quality";
import { attemptStatus, isBilledAttempt, meteredUpstream, recordAttemptRows, type AttemptMeter, type BilledAttempt } from "./attempt-rows";
import { attemptTimeoutError, startAttemptClock, upstreamOverrides, withTimeouts } from "./attempt-clock";
import { parseResetHeaders } from "./backoff";
import type { DeploymentEntry } from "./group-entry";
import type { RoutePlan } from "./plan-route";
import type { RoutingState } from "./routing-state";
import { runRoute } from "./run-route";
import { linkedController } from "../request-signal";

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
  const timeouts = plan.group.definition.timeouts;
  const single: GatewayDeps = {
    ...deps,
    upstream: withTimeouts(deps.upstream, upstreamOverrides(timeouts)),
    options: { ...deps.options, maxRetries: 0, firstTokenTimeoutMs: timeouts.first_token_ms ?? deps.options.firstTokenTimeoutMs },
  };
  const startedAt = state.now();
  const isRefusal = plan.group.definition.fallback_on.content_filter ? (value: unknown) => isContentFiltered(value, record.stream) : undefined;
  let release: (() => void) | undefined;

  // Every attempt the provider may bill; after the loop, each but the one the request's own row bills gets a child row.
  const billed: { result: Result<ChatResult | OpenedStream>; attempt: BilledAttempt }[] = [];

  const outcome = await runRoute<ChatResult | OpenedStream>(plan.group, plan.order, plan.trace, { state, signal: call.signal, startedAt, random: Math.random, sleep, isRefusal }, async (deployment) => {
    const meter: AttemptMeter = { sent: false };
    const attempt = await prepareAttempt(call, { ...single, upstream: meteredUpstream(single.upstream, meter) }, deployment, baseWarnings);
    if (!attempt.ok) return attempt;
    const end = state.begin(deployment.healthKey);
    const attemptStart = state.now();
    const attemptStartedAt = Date.now();
    const traceIndex = plan.trace.attempts.length;
    // The attempt's own signal: aborted by the request's (client gone, total timeout) or by this attempt's clocks.
    const { controller, unlink } = linkedController(call.signal);
    const attemptCall: ChatCall = { ...attempt.value, signal: controller.signal };
    // The group's first-token and total clocks are this attempt's own: the next attempt never runs on them.
    const clock = startAttemptClock(timeouts, () => controller.abort());
    let result: Result<ChatResult | OpenedStream> = record.stream
      ? await openStream(attemptCall, attemptCall.upstreamRequest)
      : await sendWithAttempts<ChatResult>(attemptCall.deps, record, attemptCall.adapter, attemptCall.upstreamRequest, attemptCall.signal, (response) => readChatResult(response, attemptCall.adapter));
    clock.passedFirstToken();
    if (!result.ok && clock.expired && !call.signal.aborted) result = { ok: false, error: attemptTimeoutError(clock.expired), ...(result.usage ? { usage: result.usage } : {}) };
    if (!result.ok || !record.stream) clock.stop();
    if (isBilledAttempt(meter)) {
      const base = { deployment, chatRequest: attemptCall.chatRequest, startedAt: attemptStartedAt, endedAt: Date.now(), traceIndex };
      billed.push({ result, attempt: result.ok ? { ...base, ...refusalOf(result.value, deployment, record.stream) } : { ...base, error: result.error, httpStatus: attemptStatus(result.error), usage: result.usage, producedText: "" } });
    }
    if (!result.ok) {
      // A failed attempt is over upstream at once: the next one never runs beside it or on its clock.
      controller.abort();
      unlink();
      end();
      return result;
    }
    const ttftMs = state.now() - attemptStart;
    release?.();
    release = () => {
      // A served stream keeps its total_ms clock until it is settled (past it the stream ends with an error event).
      clock.stop();
      unlink();
      end();
      state.observeLatency(deployment.healthKey, { ttftMs, totalMs: state.now() - attemptStart });
    };
    return result;
  });

  // The request's own row bills the answer it served, or (estimated) the last attempt when the client left; not twice.
  const lastIndex = plan.trace.attempts.length - 1;
  const isOwn = (entry: (typeof billed)[number]) => (outcome.deployment ? entry.result === outcome.result : clientSignal.aborted && entry.attempt.traceIndex === lastIndex);
  const others = billed.filter((entry) => !isOwn(entry));
  for (const entry of others) if (entry.result.ok && record.stream) (entry.result.value as OpenedStream).reader.cancel().catch(() => {});
  recordAttemptRows(deps, record, plan.trace, others.map((entry) => entry.attempt));

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
  // Quality signals of the answer (empty, invalid tool-call JSON, cut by length) feed the deployment's health; a
  // refusal kept as the answer is not one of them.
  const value = outcome.result.value;
  const judged = !isRefusal?.(value);
  const subject = { key: served.healthKey, deployment: served.id, group: { id: plan.group.id, orgId: plan.group.orgId, name: plan.group.name } };
  const observe = (quality: AnswerQuality) => judged && state.observeQuality(subject, quality);
  if (!record.stream) {
    observe(judgeResult(value as ChatResult));
    return answerChatResult(servedCall, value as ChatResult);
  }
  const opened = value as OpenedStream;
  return streamOpened(servedCall, { ...opened, reader: tapQuality(opened.reader, opened.first, observe) });
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

/** A refused answer passed to the next candidate (content filter): billed at the usage the provider reported. */
function refusalOf(value: ChatResult | OpenedStream, deployment: DeploymentEntry, stream: boolean): Pick<BilledAttempt, "error" | "httpStatus" | "usage" | "producedText"> {
  const error: GatewayError = { kind: "upstream", provider: deployment.model.connection.kind, status: 200, message: "The provider's content filter refused the answer; the next deployment was tried.", code: "content_filter" };
  if (stream) {
    const first = (value as OpenedStream).first;
    return { error, httpStatus: 200, usage: first.type === "finish" ? first.usage : undefined, producedText: "" };
  }
  const result = value as ChatResult;
  return { error, httpStatus: 200, usage: result.usage, producedText: producedTextOf(result) };
}
