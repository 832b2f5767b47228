import { embeddingsAdapters, type EmbeddingsAdapter, type EmbeddingsResult } from "@/server/providers/embeddings";
import { failedAnswer } from "../chat/failed-answer";
import { responseHeaders } from "../chat/response-headers";
import { sendWithAttempts } from "../chat/send-attempts";
import type { KeyEntry } from "../config/config-source";
import type { GatewayRequest, GatewayResponse } from "../contract";
import type { GatewayDeps } from "../deps";
import { openaiInbound } from "../inbound/openai";
import { newRecord, settleInBackground } from "../ledger";
import { parseBody } from "../parse-body";
import { createRequestSignal } from "../request-signal";
import { resolveModel, toTarget } from "../resolve-target";
import type { GatewayError, Result, Warning } from "../types";
import { classifyUpstreamFailure, type UpstreamResponse } from "../upstream";
import { embeddingsRequestSchema, unknownEmbeddingsFields } from "./embeddings-request";
import { countInputTokens, expectedVectorCount, toOpenAIEmbeddings } from "./embeddings-response";

export const EMBEDDINGS_ENDPOINT = "/v1/embeddings";

/**
 * POST /v1/embeddings, after authentication: validate → resolve model → the provider's embeddings
 * adapter → attempt loop (upstream.ts) → OpenAI-shaped answer → one ledger row (output tokens 0,
 * cost = input tokens × input price). Errors are OpenAI-shaped, as on chat completions.
 */
export async function createEmbeddings(request: GatewayRequest, key: KeyEntry, requestId: string, deps: GatewayDeps): Promise<GatewayResponse> {
  const record = newRecord(requestId, key, EMBEDDINGS_ENDPOINT);
  const reject = (error: GatewayError) => failedAnswer(deps, record, openaiInbound, error, request.signal);
  const body = await request.readJson();
  if (!body.ok) return reject(body.error);
  const parsed = parseBody(embeddingsRequestSchema, body.value);
  if (!parsed.ok) return reject(parsed.error);
  const embeddingsRequest = parsed.value;
  record.requestedModel = embeddingsRequest.model;
  record.warnings.push(...unknownEmbeddingsFields(embeddingsRequest).map(unknownFieldWarning));

  const model = resolveModel(deps.config, key, embeddingsRequest.model);
  if (!model.ok) return reject(model.error);
  record.model = model.value;
  const adapter = embeddingsAdapters[model.value.connection.kind];
  if (!adapter) {
    const message = `The model \`${embeddingsRequest.model}\` does not support embeddings.`;
    return reject({ kind: "invalid_request", message, param: "model", code: "unsupported_endpoint" });
  }
  const upstreamRequest = adapter.buildEmbeddingsRequest(embeddingsRequest, toTarget(model.value));
  if (!upstreamRequest.ok) return reject(upstreamRequest.error);
  record.warnings.push(...upstreamRequest.value.warnings);

  const { signal, dispose } = createRequestSignal(request.signal, deps.options.totalTimeoutMs);
  record.onSettled = dispose;
  const expected = expectedVectorCount(embeddingsRequest.input);
  const result = await sendWithAttempts(deps, record, adapter, upstreamRequest.value, signal, (response) => readEmbeddings(response, adapter, expected));
  if (!result.ok) return reject(result.error);

  record.firstTokenAt = Date.now();
  const { inputTokens, estimated } = await countInputTokens(result.value, embeddingsRequest.input);
  settleInBackground(record, { status: "success", httpStatus: 200, usage: { inputTokens, outputTokens: 0 }, producedText: "", usageEstimated: estimated }, deps);
  const encodingFormat = embeddingsRequest.encoding_format ?? "float";
  return { type: "json", status: 200, headers: responseHeaders(record), body: toOpenAIEmbeddings(result.value, { model: embeddingsRequest.model, encodingFormat, inputTokens }) };
}

async function readEmbeddings(response: UpstreamResponse, adapter: EmbeddingsAdapter, expected: number): Promise<Result<EmbeddingsResult>> {
  let json: unknown;
  try {
    json = JSON.parse(await response.text());
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false, error: { kind: "upstream", provider: adapter.id, status: 502, message: "the provider sent a response that is not JSON" } };
    return { ok: false, error: classifyUpstreamFailure(error, adapter.id) };
  }
  const parsed = adapter.parseEmbeddingsResponse(json);
  if (parsed.ok && parsed.value.embeddings.length !== expected) {
    return { ok: false, error: { kind: "upstream", provider: adapter.id, status: 502, message: `the provider returned ${parsed.value.embeddings.length} embeddings for ${expected} inputs` } };
  }
  return parsed;
}

function unknownFieldWarning(field: string): Warning {
  return { code: "unsupported_parameter", param: field, message: `'${field}' is not an embeddings parameter; it was not forwarded.` };
}
