import { isRetryable } from "./errors";
import type { GatewayError, Result } from "./types";

export interface AttemptOptions {
  maxRetries: number;
  maxRetryAfterMs: number;
  signal: AbortSignal;
  /** Base of the exponential backoff (full jitter). */
  baseDelayMs?: number;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

function retryAfterOf(error: GatewayError): number | undefined {
  return error.kind === "upstream" || error.kind === "rate_limited" ? error.retryAfterMs : undefined;
}

/** Delay before retry n (0-based): the provider's Retry-After if it gave one, else full-jitter exponential backoff. */
export function backoffDelay(error: GatewayError, retry: number, options: Pick<AttemptOptions, "baseDelayMs" | "random">): number {
  const retryAfter = retryAfterOf(error);
  if (retryAfter !== undefined) return retryAfter;
  const cap = (options.baseDelayMs ?? 250) * 2 ** retry;
  return Math.round((options.random ?? Math.random)() * cap);
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

/** Runs `attempt` until it succeeds, fails for good, or retries run out. Never retries after the client left. */
export async function withAttempts<T>(attempt: (index: number) => Promise<Result<T>>, options: AttemptOptions): Promise<Result<T>> {
  for (let index = 0; ; index++) {
    const result = await attempt(index);
    if (result.ok || index >= options.maxRetries || options.signal.aborted || !isRetryable(result.error)) return result;
    const delay = backoffDelay(result.error, index, options);
    if (delay > options.maxRetryAfterMs) return result;
    await (options.sleep ?? defaultSleep)(delay, options.signal);
    if (options.signal.aborted) return result;
  }
}
