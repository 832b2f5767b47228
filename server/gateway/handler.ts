import { cacheTarget } from "./cache/cache-key";
import { answerFromCache } from "./cache/response-cache";
import { completeChat } from "./chat/complete-chat";
import { completeFanOut } from "./chat/fan-out/complete-fan-out";
import { buildUpstreamCalls, splitChoices } from "./chat/fan-out/plan-calls";
import { streamFanOut } from "./chat/fan-out/stream-fan-out";
import { responseHeaders } from "./chat/response-headers";
import { streamChat } from "./chat/stream-chat";
import { authenticate } from "./authenticate";
import { captureBody } from "./stored-body";
import { reserveBudgets, worstCaseInputTokens, worstCaseOutputTokens } from "./budget/reserve";
import { truncateCallerText } from "./caller-text";
import { isJsonContentType } from "./content-type";
import { manageContext } from "./context/manage-context";
import type { GatewayRequest, GatewayResponse } from "./contract";
import { COUNT_TOKENS_ENDPOINT, countTokens } from "./count-tokens/count-tokens";
import type { GatewayDeps } from "./deps";
import { createEmbeddings, EMBEDDINGS_ENDPOINT } from "./embeddings/create-embeddings";
import { anthropicInbound } from "./inbound/anthropic";
import type { InboundFormat } from "./inbound/inbound-format";
import { openaiInbound } from "./inbound/openai";
import { responsesInbound } from "./inbound/responses";
import { inlineRemoteImages } from "./inline-remote-images";
import { newRecord, settleInBackground, type RequestRecord } from "./ledger";
import { readCallerRegion } from "./policy/caller-region";
import { enforcePolicy } from "./policy/enforce-policy";
import { listModels } from "./list-models";
import { admitRequest } from "./rate-limit/admit";
import { measurePrompt } from "./prompt-size";
import { estimateChatTokens } from "./rate-limit/estimate";
import { assignVariant } from "./experiments/assign-variant";
import { FEEDBACK_ENDPOINT, submitFeedback } from "./feedback/submit-feedback";
import { newRequestId } from "./request-id";
import { createRequestSignal } from "./request-signal";
import { resolveModel, toTarget } from "./resolve-target";
import { planRoute } from "./routing/plan-route";
import { routeChat } from "./routing/route-chat";
import { RoutingState } from "./routing/routing-state";
import type { GatewayError } from "./types";

/** POST endpoints served by the chat pipeline, each in its own wire format. */
const CHAT_FORMATS: Record<string, InboundFormat> = {
  "/v1/chat/completions": openaiInbound,
  "/v1/messages": anthropicInbound,
  "/v1/responses": responsesInbound,
};

/**
 * The data plane, transport-neutral:
 *   authenticate → JSON content type → read + validate body (inbound format → ChatRequest) → resolve model
 *   → context-window management (context/: truncate, summarize, fallback when the prompt would overflow)
 *   → adapter.buildRequest (one call, or n fanned out) → rate-limit admission (rate-limit/admit.ts)
 *   → response cache (cache/: a hit is replayed here) → budget reservation
 *   (budget/reserve.ts) → attempt loop (upstream.ts)
 *   (a model group's name: planned and attempted across its deployments and fallbacks instead, routing/)
 *   → JSON answer or normalized stream,
 *   encoded in the inbound format → ledger row (batched).
 * Every POST body passes the org's policy (block, reroute, redact, log; residency) right after it is read.
 * POST /v1/embeddings and POST /v1/messages/count_tokens share authentication, body and policy here, then run
 * their own short flows (embeddings/, count-tokens/).
 */
export async function handleGatewayRequest(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  const requestId = newRequestId();
  const path = request.path.replace(/\/+$/, "");
  const format = Object.hasOwn(CHAT_FORMATS, path) ? CHAT_FORMATS[path] : undefined;
  const isModels = path === "/v1/models";
  const isEmbeddings = path === EMBEDDINGS_ENDPOINT;
  const isCount = path === COUNT_TOKENS_ENDPOINT;
  const isFeedback = path === FEEDBACK_ENDPOINT;
  const isPost = format !== undefined || isEmbeddings || isCount || isFeedback;
  // Token counting is Anthropic's endpoint: its errors and key header are those of /v1/messages.
  const errorFormat = format ?? (isCount ? anthropicInbound : openaiInbound);
  if (!(isPost && request.method === "POST") && !(isModels && request.method === "GET")) {
    const [known, quoted] = [isPost || isModels, truncateCallerText(request.path)];
    return errorResponse(
      known ? { kind: "invalid_request", message: `Method ${request.method} is not allowed on ${quoted}.`, code: "method_not_allowed" } : { kind: "not_found", message: `Unknown endpoint: ${request.method} ${quoted}` },
      requestId,
      errorFormat,
      known ? 405 : undefined,
    );
  }
  const key = authenticate(request, deps.config, { allowXApiKey: errorFormat.allowXApiKey });
  if (!key.ok) return errorResponse(key.error, requestId, errorFormat);
  if (!isPost) return { type: "json", status: 200, headers: { "x-request-id": requestId }, body: listModels(deps.config, key.value, readCallerRegion(request, key.value, deps.options.trustedRegionHeader)) };
  // Ratings of earlier answers (feedback/): no model call, no ledger row.
  if (isFeedback) return isJsonContentType(request.header("content-type")) ? submitFeedback(request, key.value, deps, requestId) : errorResponse({ kind: "unsupported_media_type" }, requestId, errorFormat);
  const record = newRecord(requestId, key.value, format?.endpoint ?? path);
  record.telemetry = deps.telemetry?.start(record, request.header("traceparent"), request.header("tracestate"));
  // Before any body is read: a body that is not JSON is a 415, recorded like every authenticated refusal (content-type.ts).
  if (!isJsonContentType(request.header("content-type"))) return fail(record, errorFormat, { kind: "unsupported_media_type" }, deps);
  const read = await request.readJson();
  // Policy runs here, once, on every endpoint's body before it is parsed (policy/enforce-policy.ts).
  const body = read.ok ? enforcePolicy(deps, record, read.value, request) : read;
  if (!body.ok) return fail(record, errorFormat, body.error, deps);
  // Kept beside the ledger row only when the key (or its team) asks: after policy, as the body leaves the gateway.
  record.storedBody = captureBody(key.value.bodyLogging, body.value, () => readCallerRegion(request, key.value, deps.options.trustedRegionHeader));
  if (isEmbeddings) return createEmbeddings(request, body.value, record, deps);
  if (isCount || !format) return countTokens(request, body.value, record, deps);

  const parsed = format.parseRequest(body.value, request);
  if (!parsed.ok) return fail(record, format, parsed.error, deps);
  record.requestedModel ??= parsed.value.chatRequest.model;
  record.stream = parsed.value.chatRequest.stream === true;
  record.warnings.push(...parsed.value.warnings);
  const prepared = parsed.value.prepare ? await parsed.value.prepare({ deps, key: key.value, requestId }) : { ok: true as const, value: { chatRequest: parsed.value.chatRequest, format } };
  if (!prepared.ok) return fail(record, format, prepared.error, deps);
  // A running A/B experiment on the name sends the request to its variant's model or group (experiments/).
  const assigned = assignVariant(deps.config, key.value, prepared.value.chatRequest, request);
  record.experiment = assigned.experiment;
  // An overflowing prompt is truncated, summarized or sent to a larger model where the mode says so (context/).
  const managed = await manageContext(deps, record, assigned.chatRequest, request, request.signal);
  if (!managed.ok) return fail(record, format, managed.error, deps);
  const chatRequest = managed.value;
  record.chatRequest = chatRequest;

  // A model group's name is routed (routing/): the plan's first candidate stands in for the model until an attempt is made.
  const routing = deps.routing ?? new RoutingState();
  const plan = planRoute(deps, routing, record, chatRequest, request);
  if (plan && !plan.ok) return fail(record, format, plan.error, deps);
  const model = plan ? { ok: true as const, value: plan.value.order[0].model } : resolveModel(deps.config, key.value, chatRequest.model);
  if (!model.ok) return fail(record, format, model.error, deps);
  record.model = model.value;
  const adapter = deps.adapters[model.value.connection.kind];
  if (!adapter) return fail(record, format, { kind: "no_route", model: chatRequest.model }, deps);
  const target = toTarget(model.value);
  const split = splitChoices(chatRequest.n, adapter.maxChoicesPerCall?.(target), adapter.id);
  if (!split.ok) return fail(record, format, split.error, deps);
  const inlined = await inlineRemoteImages(chatRequest, adapter, request.signal);
  if (!inlined.ok) return fail(record, format, inlined.error, deps);
  const calls = buildUpstreamCalls(adapter, inlined.value, target, split.value);
  const { upstreamRequest } = calls[0];
  record.warnings.push(...upstreamRequest.warnings);
  if (upstreamRequest.rejection) return fail(record, format, upstreamRequest.rejection, deps);
  const prompt = measurePrompt(chatRequest);
  const admitted = await admitRequest(deps, record, { endUser: chatRequest.user, estimatedTokens: estimateChatTokens(chatRequest, prompt) * calls.length });
  if (!admitted.ok) return fail(record, format, admitted.error, deps);
  record.endUser = chatRequest.user ?? null;
  // A cached answer is replayed here, before any budget is held (cache/); requests fanned out over calls are not cached.
  const cached = calls.length === 1 ? await answerFromCache(deps, record, { request, format: prepared.value.format, chatRequest, target: cacheTarget(plan?.value.group, model.value), groupCache: plan?.value.group.definition.response_cache }) : undefined;
  if (cached) return cached;
  // Routed: the reservation covers the costliest candidate, so no fallback can spend past it.
  if (plan) record.model = plan.value.costliest.model;
  const reserved = await reserveBudgets(deps, record, {
    endUser: record.endUser,
    inputTokens: worstCaseInputTokens(chatRequest, prompt) * calls.length,
    outputTokens: worstCaseOutputTokens(chatRequest, model.value.maxOutputTokens) * (chatRequest.n ?? 1),
  });
  if (!reserved.ok) return fail(record, format, reserved.error, deps);

  const { signal, dispose } = createRequestSignal(request.signal, deps.options.totalTimeoutMs);
  record.onSettled = dispose;
  const call = { deps, record, format: prepared.value.format, chatRequest, adapter, upstreamRequest, signal, clientSignal: request.signal };
  if (plan) return routeChat(call, plan.value, routing);
  // n above what one call returns: concurrent calls merged into one answer (chat/fan-out/).
  if (calls.length > 1) return record.stream ? streamFanOut(call, calls) : completeFanOut(call, calls);
  return record.stream ? streamChat(call) : completeChat(call);
}

function errorResponse(error: GatewayError, requestId: string, format: InboundFormat, statusOverride?: number): GatewayResponse {
  const mapped = format.encodeError(error);
  return { type: "json", status: statusOverride ?? mapped.status, headers: { "x-request-id": requestId, ...mapped.headers }, body: mapped.body };
}

/** An authenticated request that failed before reaching a provider: recorded at zero cost. */
function fail(record: RequestRecord, format: InboundFormat, error: GatewayError, deps: GatewayDeps): GatewayResponse {
  const mapped = format.encodeError(error);
  settleInBackground(record, { status: "error", httpStatus: mapped.status, error }, deps);
  return { type: "json", status: mapped.status, headers: { ...responseHeaders(record), ...mapped.headers }, body: mapped.body };
}
