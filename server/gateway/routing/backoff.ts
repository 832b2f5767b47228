import type { GatewayError } from "../types";

export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  /** [0, 1); injected by tests. */
  random: () => number;
}

/** How long to wait before retrying a deployment, and what said so. */
export interface RetryDelay {
  delayMs: number;
  source: "retry-after" | "backoff";
}

/**
 * Before retry `retry` (0-based) of the same deployment: the provider's own word when it gave one (Retry-After,
 * retry-after-ms, or a rate-limit reset header, parsed by the adapter into `retryAfterMs`), else exponential backoff
 * with full jitter: a uniform draw in [0, min(maxDelayMs, baseDelayMs × 2^retry)) (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"). A provider delay above maxDelayMs is returned as it is: the caller gives up then.
 */
export function retryDelay(error: GatewayError, retry: number, options: BackoffOptions): RetryDelay {
  const retryAfter = error.kind === "upstream" || error.kind === "rate_limited" ? error.retryAfterMs : undefined;
  if (retryAfter !== undefined) return { delayMs: Math.max(0, Math.round(retryAfter)), source: "retry-after" };
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(retry, 30));
  return { delayMs: Math.floor(options.random() * cap), source: "backoff" };
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Providers' rate-limit reset headers as a delay in ms, the soonest of those present:
 * OpenAI `x-ratelimit-reset-requests` / `-tokens` as durations like "1s", "6m0s", "20ms"
 * (https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers), Anthropic
 * `anthropic-ratelimit-requests-reset` / `-tokens-reset` / `-input-tokens-reset` / `-output-tokens-reset` as RFC 3339
 * times (https://docs.anthropic.com/en/api/rate-limits#response-headers).
 */
export function parseResetHeaders(headers: Headers, now: number): number | undefined {
  const delays: number[] = [];
  for (const name of ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"]) {
    const value = headers.get(name);
    if (value) {
      let total = 0;
      let matched = false;
      for (const [, amount, unit] of value.matchAll(DURATION_PART)) {
        total += Number(amount) * UNIT_MS[unit];
        matched = true;
      }
      if (matched) delays.push(total);
    }
  }
  for (const name of ["anthropic-ratelimit-requests-reset", "anthropic-ratelimit-tokens-reset", "anthropic-ratelimit-input-tokens-reset", "anthropic-ratelimit-output-tokens-reset"]) {
    const value = headers.get(name);
    const at = value ? Date.parse(value) : NaN;
    if (!Number.isNaN(at)) delays.push(Math.max(0, at - now));
  }
  return delays.length > 0 ? Math.round(Math.min(...delays)) : undefined;
}
