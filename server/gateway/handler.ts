import { completeChat } from "./chat/complete-chat";
import { responseHeaders } from "./chat/response-headers";
import { streamChat } from "./chat/stream-chat";
import { authenticate } from "./authenticate";
import { chatRequestSchema } from "./chat-request";
import type { GatewayRequest, GatewayResponse } from "./contract";
import type { GatewayDeps } from "./deps";
import { toOpenAIError } from "./errors";
import { newRecord, settleInBackground, type RequestRecord } from "./ledger";
import { listModels } from "./list-models";
import { parseBody } from "./parse-body";
import { newRequestId } from "./request-id";
import { createRequestSignal } from "./request-signal";
import { resolveModel, toTarget } from "./resolve-target";
import type { GatewayError } from "./types";

/**
 * The data plane, transport-neutral:
 *   authenticate → read + validate body → resolve model → adapter.buildRequest
 *   → attempt loop (upstream.ts) → JSON answer or normalized stream → ledger row (batched).
 */
export async function handleGatewayRequest(request: GatewayRequest, deps: GatewayDeps): Promise<GatewayResponse> {
  const requestId = newRequestId();
  const route = `${request.method} ${request.path.replace(/\/+$/, "")}`;
  if (route !== "POST /v1/chat/completions" && route !== "GET /v1/models") {
    const known = request.path.replace(/\/+$/, "") === "/v1/chat/completions" || request.path.replace(/\/+$/, "") === "/v1/models";
    return errorResponse(
      known ? { kind: "invalid_request", message: `Method ${request.method} is not allowed on ${request.path}.`, code: "method_not_allowed" } : { kind: "not_found", message: `Unknown endpoint: ${request.method} ${request.path}` },
      requestId,
      known ? 405 : undefined,
    );
  }
  const key = authenticate(request, deps.config);
  if (!key.ok) return errorResponse(key.error, requestId);
  if (route === "GET /v1/models") return { type: "json", status: 200, headers: { "x-request-id": requestId }, body: listModels(deps.config, key.value) };

  const record = newRecord(requestId, key.value, "/v1/chat/completions");
  const body = await request.readJson();
  if (!body.ok) return fail(record, body.error, deps);
  const parsed = parseBody(chatRequestSchema, body.value);
  if (!parsed.ok) return fail(record, parsed.error, deps);
  const chatRequest = parsed.value;
  record.requestedModel = chatRequest.model;
  record.chatRequest = chatRequest;
  record.stream = chatRequest.stream === true;

  const model = resolveModel(deps.config, key.value, chatRequest.model);
  if (!model.ok) return fail(record, model.error, deps);
  record.model = model.value;
  const adapter = deps.adapters[model.value.connection.kind];
  if (!adapter) return fail(record, { kind: "no_route", model: chatRequest.model }, deps);
  const upstreamRequest = adapter.buildRequest(chatRequest, toTarget(model.value));
  record.warnings.push(...upstreamRequest.warnings);

  const { signal, dispose } = createRequestSignal(request.signal, deps.options.totalTimeoutMs);
  record.onSettled = dispose;
  return record.stream
    ? streamChat(deps, record, chatRequest, adapter, upstreamRequest, signal, request.signal)
    : completeChat(deps, record, chatRequest, adapter, upstreamRequest, signal, request.signal);
}

function errorResponse(error: GatewayError, requestId: string, statusOverride?: number): GatewayResponse {
  const mapped = toOpenAIError(error);
  return { type: "json", status: statusOverride ?? mapped.status, headers: { "x-request-id": requestId, ...mapped.headers }, body: mapped.body };
}

/** An authenticated request that failed before reaching a provider: recorded at zero cost. */
function fail(record: RequestRecord, error: GatewayError, deps: GatewayDeps): GatewayResponse {
  const mapped = toOpenAIError(error);
  settleInBackground(record, { status: "error", httpStatus: mapped.status, error }, deps);
  return { type: "json", status: mapped.status, headers: { ...responseHeaders(record), ...mapped.headers }, body: mapped.body };
}
