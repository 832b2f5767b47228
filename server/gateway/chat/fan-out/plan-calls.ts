import type { ChatRequest, ProviderAdapter, Result, Target, UpstreamRequest } from "../../types";

/**
 * How `n` choices are asked of a provider. One that takes any `n` (OpenAI, Mistral, Azure, Gemini's candidateCount) gets
 * one call. One that returns at most `maxChoicesPerCall` (Anthropic, Bedrock: 1) gets ceil(n / max) concurrent calls,
 * each asking for at most that many, merged back into one answer with choices 0..n-1 (complete-fan-out.ts,
 * stream-fan-out.ts). Never fewer choices than asked: an `n` the gateway will not fan out is a 400 naming `n`.
 */

/** The most upstream calls one client request fans out to (README "n > 1"); OpenAI's own bound on n is 128. */
export const MAX_FANOUT_CALLS = 16;

/** One upstream call of a request: the choices it asks for and the request the adapter built for it. */
export interface UpstreamCall {
  choices: number;
  upstreamRequest: UpstreamRequest;
}

/** The choices each call asks for, e.g. n=3 at one per call → [1, 1, 1]; n=6 at four per call → [4, 2]. */
export function splitChoices(n: number | null | undefined, maxPerCall: number | undefined, provider: string): Result<number[]> {
  const wanted = n ?? 1;
  if (maxPerCall === undefined || wanted <= maxPerCall) return { ok: true, value: [wanted] };
  const callCount = Math.ceil(wanted / maxPerCall);
  if (callCount > MAX_FANOUT_CALLS) {
    const limit = MAX_FANOUT_CALLS * maxPerCall;
    const perCall = maxPerCall === 1 ? "one choice" : `at most ${maxPerCall} choices`;
    return {
      ok: false,
      error: {
        kind: "invalid_request",
        param: "n",
        code: "integer_above_max_value",
        message: `Invalid 'n': integer above maximum value. Expected a value <= ${limit}, but got ${wanted} instead. ${provider} returns ${perCall} per call, and the gateway makes at most ${MAX_FANOUT_CALLS} calls for one request.`,
      },
    };
  }
  return { ok: true, value: Array.from({ length: callCount }, (_, index) => Math.min(maxPerCall, wanted - index * maxPerCall)) };
}

/**
 * The adapter's request for each call. A single call is built from the request as sent; fanned-out calls ask for their
 * own share of `n` (none at all when it is 1), and calls asking for the same share share one built request.
 */
export function buildUpstreamCalls(adapter: ProviderAdapter, request: ChatRequest, target: Target, split: readonly number[]): UpstreamCall[] {
  if (split.length === 1) return [{ choices: split[0], upstreamRequest: adapter.buildRequest(request, target) }];
  const built = new Map<number, UpstreamRequest>();
  return split.map((choices) => {
    let upstreamRequest = built.get(choices);
    if (!upstreamRequest) {
      upstreamRequest = adapter.buildRequest({ ...request, n: choices === 1 ? undefined : choices }, target);
      built.set(choices, upstreamRequest);
    }
    return { choices, upstreamRequest };
  });
}
