import { embeddingsAdapters } from "@/server/providers/embeddings";
import { failedAnswer } from "../chat/failed-answer";
import { responseHeaders } from "../chat/response-headers";
import { truncateCallerText } from "../caller-text";
import type { GatewayRequest, GatewayResponse } from "../contract";
import type { GatewayDeps } from "../deps";
import { openaiInbound } from "../inbound/openai";
import { settleInBackground, type RequestRecord } from "../ledger";
import { parseBody } from "../parse-body";
import { reserveBudgets } from "../budget/reserve";
import { admitRequest } from "../rate-limit/admit";
import { estimateEmbeddingsTokens } from "../rate-limit/estimate";
import { createRequestSignal } from "../request-signal";
import { resolveModel, toTarget } from "../resolve-target";
import type { GatewayError, Warning } from "../types";
import { embeddingsRequestSchema, inputTypeWarnings, unknownEmbeddingsFields } from "./embeddings-request";
import { toOpenAIEmbeddings } from "./embeddings-response";
import { sendEmbeddingsCalls, type EmbeddingsCall, type InputTokens } from "./send-embeddings";

export const EMBEDDINGS_ENDPOINT = "/v1/embeddings";

/**
 * POST /v1/embeddings, after authentication and policy (handler.ts): validate → resolve model → the provider's embeddings
 * adapter (one call, or several when the provider takes fewer inputs per call) → attempt loop
 * (upstream.ts) per call → OpenAI-shaped answer → one ledger row for the client's request (output
 * tokens 0, cost = input tokens of every call that succeeded × input price, also when a later call
 * failed). Errors are OpenAI-shaped, as on chat completions.
 */
export async function createEmbeddings(request: GatewayRequest, body: unknown, record: RequestRecord, deps: GatewayDeps): Promise<GatewayResponse> {
  const key = record.key;
  const reject = (error: GatewayError) => failedAnswer(deps, record, openaiInbound, error, request.signal);
  const parsed = parseBody(embeddingsRequestSchema, body);
  if (!parsed.ok) return reject(parsed.error);
  const embeddingsRequest = parsed.value;
  record.requestedModel ??= embeddingsRequest.model;
  record.warnings.push(...unknownEmbeddingsFields(embeddingsRequest).map(unknownFieldWarning));

  const model = resolveModel(deps.config, key, embeddingsRequest.model);
  if (!model.ok) return reject(model.error);
  record.model = model.value;
  record.warnings.push(...inputTypeWarnings(embeddingsRequest, model.value.connection.kind));
  const adapter = embeddingsAdapters[model.value.connection.kind];
  if (!adapter) {
    const message = `The model \`${truncateCallerText(embeddingsRequest.model)}\` does not support embeddings.`;
    return reject({ kind: "invalid_request", message, param: "model", code: "unsupported_endpoint" });
  }
  const target = toTarget(model.value);
  const calls: EmbeddingsCall[] = [];
  for (const part of adapter.splitEmbeddingsRequest?.(embeddingsRequest, target) ?? [embeddingsRequest]) {
    const upstreamRequest = adapter.buildEmbeddingsRequest(part, target);
    if (!upstreamRequest.ok) return reject(upstreamRequest.error);
    calls.push({ request: part, upstreamRequest: upstreamRequest.value });
  }
  record.warnings.push(...uniqueWarnings(calls.flatMap((call) => call.upstreamRequest.warnings)));

  const admitted = await admitRequest(deps, record, { endUser: embeddingsRequest.user, estimatedTokens: estimateEmbeddingsTokens(embeddingsRequest.input) });
  if (!admitted.ok) return reject(admitted.error);
  record.endUser = embeddingsRequest.user ?? null;
  // Embeddings bill input only: the JSON byte length of the input bounds its tokens from above.
  const reserved = await reserveBudgets(deps, record, { endUser: record.endUser, inputTokens: Buffer.byteLength(JSON.stringify(embeddingsRequest.input)), outputTokens: 0 });
  if (!reserved.ok) return reject(reserved.error);
  const { signal, dispose } = createRequestSignal(request.signal, deps.options.totalTimeoutMs);
  record.onSettled = dispose;
  const sent = await sendEmbeddingsCalls(deps, record, adapter, calls, signal);
  if (!sent.ok) return sent.tokens.inputTokens > 0 ? failedAfterBilledCalls(deps, record, sent.error, sent.tokens, request.signal) : reject(sent.error);

  record.firstTokenAt = Date.now();
  const { inputTokens, estimated } = sent.tokens;
  settleInBackground(record, { status: "success", httpStatus: 200, usage: { inputTokens, outputTokens: 0 }, producedText: "", usageEstimated: estimated }, deps);
  const encodingFormat = embeddingsRequest.encoding_format ?? "float";
  return { type: "json", status: 200, headers: responseHeaders(record), body: toOpenAIEmbeddings(sent.value, { model: embeddingsRequest.model, encodingFormat, inputTokens }) };
}

/** A later call failed after some succeeded: the provider bills those, so the row carries their tokens. */
function failedAfterBilledCalls(deps: GatewayDeps, record: RequestRecord, error: GatewayError, tokens: InputTokens, clientSignal: AbortSignal): GatewayResponse {
  const mapped = openaiInbound.encodeError(error);
  const clientAborted = clientSignal.aborted;
  const usage = { inputTokens: tokens.inputTokens, outputTokens: 0 };
  settleInBackground(record, { status: clientAborted ? "aborted" : "error", httpStatus: clientAborted ? 499 : mapped.status, error, usage, usageEstimated: tokens.estimated, clientAborted }, deps);
  return { type: "json", status: mapped.status, headers: { ...responseHeaders(record), ...mapped.headers }, body: mapped.body };
}

/** Parts of one request carry the same options, so their warnings repeat: keep each once. */
function uniqueWarnings(warnings: Warning[]): Warning[] {
  const seen = new Set<string>();
  return warnings.filter((warning) => {
    const id = `${warning.code}:${warning.param ?? ""}:${warning.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function unknownFieldWarning(field: string): Warning {
  return { code: "unsupported_parameter", param: field, message: `'${field}' is not an embeddings parameter; it was not forwarded.` };
}
