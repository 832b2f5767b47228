import { failedAnswer } from "../chat/failed-answer";
import { responseHeaders } from "../chat/response-headers";
import { sendWithAttempts } from "../chat/send-attempts";
import type { KeyEntry } from "../config/config-source";
import type { GatewayRequest, GatewayResponse } from "../contract";
import type { GatewayDeps } from "../deps";
import { estimatePromptTokens } from "../estimate-tokens";
import { anthropicInbound } from "../inbound/anthropic";
import { newRecord, settleInBackground, type RequestRecord } from "../ledger";
import { parseBody } from "../parse-body";
import { createRequestSignal } from "../request-signal";
import { resolveModel, toTarget } from "../resolve-target";
import type { GatewayError, ProviderId, Result } from "../types";
import { classifyUpstreamFailure, type UpstreamResponse } from "../upstream";
import { countTokensRequestSchema, ignoredFieldWarnings, toCountChatRequest } from "./count-request";
import { buildProviderCount, type ProviderCount } from "./provider-counts";

export const COUNT_TOKENS_ENDPOINT = "/v1/messages/count_tokens";
/** Says whether `input_tokens` is the provider's own count or the gateway's tokenizer estimate. */
export const TOKEN_COUNT_HEADER = "x-modelgate-token-count";

/**
 * POST /v1/messages/count_tokens, after authentication (as on /v1/messages): validate with the Messages parser →
 * resolve the model (allow-list applies) → the provider's own counter where it has one (Anthropic, Gemini; exact)
 * or the tokenizer's estimate over the translated request → {"input_tokens"}. Errors are Anthropic-shaped. A count
 * is free at every provider: its ledger row shows status and latency with zero tokens and zero cost.
 */
export async function countTokens(request: GatewayRequest, key: KeyEntry, requestId: string, deps: GatewayDeps): Promise<GatewayResponse> {
  const record = newRecord(requestId, key, COUNT_TOKENS_ENDPOINT);
  const reject = (error: GatewayError) => failedAnswer(deps, record, anthropicInbound, error, request.signal);
  const body = await request.readJson();
  if (!body.ok) return reject(body.error);
  const parsed = parseBody(countTokensRequestSchema, body.value);
  if (!parsed.ok) return reject(parsed.error);
  const countRequest = parsed.value;
  record.requestedModel = countRequest.model;
  record.warnings.push(...ignoredFieldWarnings(countRequest));

  const model = resolveModel(deps.config, key, countRequest.model);
  if (!model.ok) return reject(model.error);
  record.model = model.value;
  const translated = toCountChatRequest(countRequest);
  const chatRequest = translated.chatRequest;
  const adapter = deps.adapters[model.value.connection.kind];
  const providerCount = adapter ? buildProviderCount(adapter, countRequest, chatRequest, toTarget(model.value)) : undefined;
  if (!adapter || !providerCount) {
    record.warnings.push(...translated.warnings);
    return answer(record, deps, await estimatePromptTokens(chatRequest), "estimated");
  }
  if (adapter.id !== "anthropic") record.warnings.push(...translated.warnings, ...providerCount.upstreamRequest.warnings);

  const { signal, dispose } = createRequestSignal(request.signal, deps.options.totalTimeoutMs);
  record.onSettled = dispose;
  const counted = await sendWithAttempts(deps, record, adapter, providerCount.upstreamRequest, signal, (response) => readCount(response, providerCount, adapter.id));
  if (!counted.ok) return reject(counted.error);
  return answer(record, deps, counted.value, "exact");
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
