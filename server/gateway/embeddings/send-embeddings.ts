import type { EmbeddingsAdapter, EmbeddingsResult } from "@/server/providers/embeddings";
import { sendWithAttempts } from "../chat/send-attempts";
import type { GatewayDeps } from "../deps";
import type { RequestRecord } from "../ledger";
import type { GatewayError, Result, UpstreamRequest } from "../types";
import { classifyUpstreamFailure, type UpstreamResponse } from "../upstream";
import type { EmbeddingsRequest } from "./embeddings-request";
import { countInputTokens, expectedVectorCount } from "./embeddings-response";

/** Calls of one client request in flight at once, when a provider needs several (Bedrock Titan: one per input). */
export const MAX_CONCURRENT_CALLS = 8;

/** One provider call: the part of the client's request it embeds, and its upstream request. */
export interface EmbeddingsCall {
  request: EmbeddingsRequest;
  upstreamRequest: UpstreamRequest;
}

export interface InputTokens {
  inputTokens: number;
  estimated: boolean;
}

export type SentEmbeddings =
  | { ok: true; value: EmbeddingsResult; tokens: InputTokens }
  /** `tokens`: what the calls that succeeded before the failure cost (the provider bills them). */
  | { ok: false; error: GatewayError; tokens: InputTokens };

/**
 * Sends every call (each through the attempt loop), at most MAX_CONCURRENT_CALLS at a time, and joins the
 * vectors in input order. The first failure stops new calls; calls already in flight finish and count.
 * Tokens are summed per call: the provider's count where it sent one, else the tokenizer's estimate.
 */
export async function sendEmbeddingsCalls(deps: GatewayDeps, record: RequestRecord, adapter: EmbeddingsAdapter, calls: EmbeddingsCall[], signal: AbortSignal): Promise<SentEmbeddings> {
  const results: (EmbeddingsResult | undefined)[] = new Array(calls.length);
  let failure: GatewayError | undefined;
  let next = 0;
  const worker = async () => {
    while (failure === undefined && next < calls.length) {
      const index = next++;
      const call = calls[index];
      const expected = expectedVectorCount(call.request.input);
      const result = await sendWithAttempts(deps, record, adapter, call.upstreamRequest, signal, (response) => readEmbeddings(response, adapter, expected));
      if (result.ok) results[index] = result.value;
      else failure ??= result.error;
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_CONCURRENT_CALLS, calls.length) }, worker));

  const tokens: InputTokens = { inputTokens: 0, estimated: false };
  for (const [index, result] of results.entries()) {
    if (!result) continue;
    const counted = await countInputTokens(result, calls[index].request.input);
    tokens.inputTokens += counted.inputTokens;
    tokens.estimated ||= counted.estimated;
  }
  if (failure) return { ok: false, error: failure, tokens };
  const embeddings = results.flatMap((result) => result!.embeddings);
  return { ok: true, value: { embeddings }, tokens };
}

async function readEmbeddings(response: UpstreamResponse, adapter: EmbeddingsAdapter, expected: number): Promise<Result<EmbeddingsResult>> {
  let json: unknown;
  try {
    json = JSON.parse(await response.text());
  } catch (error) {
    if (error instanceof SyntaxError) return { ok: false, error: { kind: "upstream", provider: adapter.id, status: 502, message: "the provider sent a response that is not JSON" } };
    return { ok: false, error: classifyUpstreamFailure(error, adapter.id) };
  }
  const parsed = adapter.parseEmbeddingsResponse(json, response.headers);
  if (parsed.ok && parsed.value.embeddings.length !== expected) {
    return { ok: false, error: { kind: "upstream", provider: adapter.id, status: 502, message: `the provider returned ${parsed.value.embeddings.length} embeddings for ${expected} inputs` } };
  }
  return parsed;
}
