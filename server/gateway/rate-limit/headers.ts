import type { CheckResult, LimitCheck } from "./limiter";

/**
 * OpenAI's rate-limit headers, from the most constrained rpm and tpm check of a request:
 * x-ratelimit-{limit,remaining,reset}-{requests,tokens}. Resets are written as OpenAI writes them
 * (Go durations: "12ms", "8.64s", "6m0s"). A request with no rpm (tpm) limit gets no -requests (-tokens) headers.
 */
export function rateLimitHeaders(checks: readonly LimitCheck[], results: readonly CheckResult[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [kind, suffix] of [["rpm", "requests"], ["tpm", "tokens"]] as const) {
    let tightest = -1;
    for (let index = 0; index < checks.length; index++) {
      if (checks[index].kind !== kind) continue;
      if (tightest < 0 || isTighter(results[index], checks[index], results[tightest], checks[tightest])) tightest = index;
    }
    if (tightest < 0) continue;
    headers[`x-ratelimit-limit-${suffix}`] = String(checks[tightest].limit);
    headers[`x-ratelimit-remaining-${suffix}`] = String(results[tightest].remaining);
    headers[`x-ratelimit-reset-${suffix}`] = formatDuration(results[tightest].resetMs);
  }
  return headers;
}

function isTighter(result: CheckResult, check: LimitCheck, best: CheckResult, bestCheck: LimitCheck): boolean {
  if (result.allowed !== best.allowed) return !result.allowed;
  if (result.remaining !== best.remaining) return result.remaining < best.remaining;
  return check.limit < bestCheck.limit;
}

/** Milliseconds as a Go duration string, as OpenAI's reset headers are: 0s, 12ms, 1s, 8.64s, 6m0s, 1h2m3s. */
export function formatDuration(milliseconds: number): string {
  const ms = Math.max(0, Math.round(milliseconds));
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = `${Number(((ms % 60_000) / 1000).toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}
