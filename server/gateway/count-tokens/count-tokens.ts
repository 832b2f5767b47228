import { failedAnswer } from "../chat/failed-answer";
import { responseHeaders } from "../chat/response-headers";
import { sendWithAttempts } from "../chat/send-attempts";
import type { GatewayRequest, GatewayResponse } from "../contract";
import type { GatewayDeps } from "../deps";
import { estimatePromptTokens } from "../estimate-tokens";
import { anthropicInbound } from "../inbound/anthropic";
import { readAnthropicBeta } from "../inbound/anthropic/beta-header";
import { settleInBackground, type RequestRecord } from "../ledger";
import { parseBody } from "../parse-body";
import { createRequestSignal } from "../request-signal";
import { resolveModel, toTarget } from "../resolve-target";
import { isRetryable } from "../errors";
import type { GatewayError, ProviderId, Result, Warning } from "../types";
import { classifyUpstreamFailure, type UpstreamResponse } from "../upstream";
import { countTokensRequestSchema, ignoredFieldWarnings, toCountChatRequest } from "./count-request";
import { buildProviderCount, type ProviderCount } from "./provider-counts";

export const COUNT_TOKENS_ENDPOINT = "/v1/messages/count_tokens";
/** Says whether `input_tokens` is the provider's own count or the gateway's tokenizer estimate. */
export const TOKEN_COUNT_HEADER = "x-modelgate-token-count";

/**
 * POST /v1/messages/count_tokens, after authentication and policy (handler.ts, as on /v1/messages): validate with the Messages parser →
 * resolve the model (allow-list applies) → the provider's own counter where it has one (Anthropic, Gemini, Vertex AI,
 * Bedrock Claude; exact) or the tokenizer's estimate over the translated request → {"input_tokens"}. Errors are
 * Anthropic-shaped. The `anthropic-beta` header reaches Claude counters as on /v1/messages (Anthropic: the header;
 * Vertex: the `anthropic_beta` body field); the estimate and other counters ignore it. A count is free at every provider: its ledger row shows status and latency with zero tokens and
 * zero cost.
 * When the counter fails with transient trouble (a retryable error: 408/409/429/5xx, overloaded, a timeout, an
 * unreadable answer) or says the model cannot be counted, the answer is the estimate (header `estimated`, a warning
 * on the row): clients such as Claude Code count before every turn and prefer an estimate to a failed turn. Errors
 * about the request or the credential (400, 401, 403, 404) surface, mapped as on /v1/messages (a refused gateway
 * credential is a 502). A client that went away gets no estimate.
 */
export async function countTokens(request: GatewayRequest, body: unknown, record: RequestRecord, deps: GatewayDeps): Promise<GatewayResponse> {
  const key = record.key;
  const reject = (error: GatewayError) => failedAnswer(deps, record, anthropicInbound, error, request.signal);
  const parsed = parseBody(countTokensRequestSchema, body);
  if (!parsed.ok) return reject(parsed.error);
  const countRequest = parsed.value;
  const betas = readAnthropicBeta(request);
  if (!betas.ok) return reject(betas.error);
  record.requestedModel ??= countRequest.model;
  record.warnings.push(...ignoredFieldWarnings(countRequest));

  const model = resolveModel(deps.config, key, countRequest.model);
  if (!model.ok) return reject(model.error);
  record.model = model.value;
  const translated = toCountChatRequest(countRequest);
  const chatRequest = betas.value ? { ...translated.chatRequest, anthropic_beta: betas.value } : translated.chatRequest;
  const adapter = deps.adapters[model.value.connection.kind];
  const providerCount = adapter ? buildProviderCount(adapter, countRequest, chatRequest, toTarget(model.value)) : undefined;
  if (!adapter || !providerCount) {
    record.warnings.push(...translated.warnings);
    return answer(record, deps, await estimatePromptTokens(chatRequest), "estimated");
  }
  if (!providerCount.forwardsClientBody) record.warnings.push(...translated.warnings, ...providerCount.upstreamRequest.warnings);

  const { signal, dispose } = createRequestSignal(request.signal, deps.options.totalTimeoutMs);
  record.onSettled = dispose;
  const counted = await sendWithAttempts(deps, record, adapter, providerCount.upstreamRequest, signal, (response) => readCount(response, providerCount, adapter.id));
  if (counted.ok) return answer(record, deps, counted.value, "exact");
  if (request.signal.aborted || !mayEstimateAfter(counted.error, providerCount)) return reject(counted.error);
  record.warnings.push(fallbackWarning(counted.error, providerCount));
  if (providerCount.forwardsClientBody) record.warnings.push(...translated.warnings);
  return answer(record, deps, await estimatePromptTokens(chatRequest), "estimated");
}

/** Transient provider trouble or an unsupported model: the estimate serves the client better than the error. */
function mayEstimateAfter(error: GatewayError, providerCount: ProviderCount): boolean {
  return isRetryable(error) || error.kind === "timeout" || providerCount.isUnsupported(error);
}

function fallbackWarning(error: GatewayError, providerCount: ProviderCount): Warning {
  const reason = providerCount.isUnsupported(error) ? "cannot count this model" : error.kind === "upstream" ? `failed (HTTP ${error.status})` : `failed (${error.kind})`;
  return { code: "other", param: "input_tokens", message: `The provider's token counter ${reason}; input_tokens is the gateway's estimate.` };
}

function answer(record: RequestRecord, deps: GatewayDeps, inputTokens: number, kind: "exact" | "estimated"): GatewayResponse {
  settleInBackground(record, { status: "success", httpStatus: 200, unbilled: true }, deps);
  return { type: "json", status: 200, headers: { ...responseHeaders(record), [TOKEN_COUNT_HEADER]: kind }, body: { input_tokens: inputTokens } };
}

async function readCount(response: UpstreamResponse, providerCount: ProviderCount, provider: ProviderId): Promise<Result<number>> {
  let json: unknown;
  try {
    json = JSON.parse(await response.text());
  } catch (error) {
    if (!(error instanceof SyntaxError)) return { ok: false, error: classifyUpstreamFailure(error, provider) };
  }
  return providerCount.readCount(json);
}
