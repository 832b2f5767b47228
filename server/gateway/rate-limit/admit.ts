import { describeError, logger } from "@/server/logger";
import type { GatewayDeps } from "../deps";
import type { RequestRecord } from "../ledger";
import type { GatewayError, Result } from "../types";
import { formatDuration, rateLimitHeaders } from "./headers";
import type { Admission, LimitCheck, LimitKind } from "./limiter";
import { applicableLimits, type AppliedLimit, type RateLimitScope } from "./rules";

const kindWords: Record<LimitKind, string> = { rpm: "requests per minute", tpm: "tokens per minute", concurrency: "concurrent requests" };
// Scope words only: a refusal never names another team, key or user.
const scopeWords: Record<RateLimitScope, string> = { org: "the organization", key: "this key", team: "this key's team", user: "this end user", model: "this model" };

/**
 * Admission, once per request, right before its first upstream call: every rate limit that applies to the
 * request (its key, its key's team, its end user, its model, the org) is checked in one limiter call. Admitted,
 * the request carries a hold on its record (the x-ratelimit-* headers of every answer, and the settlement that
 * settleRequest calls exactly once with the actual tokens). Refused: a rate_limited error with Retry-After.
 * When the shared store is unreachable, limits whose fail mode is "closed" refuse and "open" ones admit unchecked.
 */
export async function admitRequest(deps: GatewayDeps, record: RequestRecord, request: { endUser?: string | null; estimatedTokens: number }): Promise<Result<void>> {
  const limiter = deps.rateLimiter;
  if (!limiter) return { ok: true, value: undefined };
  const { key } = record;
  const applied = applicableLimits(deps.config.findRateLimits(key.orgId), key.orgId, { keyId: key.id, teamId: key.teamId, endUser: request.endUser ?? null, model: record.model?.name ?? null });
  if (applied.length === 0) return { ok: true, value: undefined };
  const [checks, scopes] = toChecks(applied);
  const admission: Admission = { leaseId: record.id, estimatedTokens: request.estimatedTokens, checks };
  let outcome: Awaited<ReturnType<typeof limiter.admit>>;
  try {
    outcome = await limiter.admit(admission);
  } catch (error) {
    const closed = checks.findIndex((check) => check.failMode === "closed");
    if (closed < 0) return { ok: true, value: undefined };
    logger.debug("rate limit refused while the limiter is unreachable (fail mode closed)", { request_id: record.id, ...describeError(error) });
    const message = `The rate limiter for ${scopeWords[scopes[closed]]} is unavailable, and the limit fails closed. Retry later.`;
    return { ok: false, error: { kind: "rate_limited", retryAfterMs: 1000, message, code: "rate_limiter_unavailable" } };
  }
  const headers = rateLimitHeaders(checks, outcome.results);
  if (!outcome.allowed) {
    record.rateLimit = { headers, settle: () => {} };
    return { ok: false, error: refusal(checks, scopes, outcome.results) };
  }
  let settled = false;
  record.rateLimit = {
    headers,
    settle(actualTokens) {
      if (settled) return;
      settled = true;
      limiter.settle(admission, actualTokens ?? admission.estimatedTokens).catch((error) => logger.warn("rate limit settlement failed", { request_id: record.id, ...describeError(error) }));
    },
  };
  return { ok: true, value: undefined };
}

function toChecks(applied: readonly AppliedLimit[]): [LimitCheck[], RateLimitScope[]] {
  const checks: LimitCheck[] = [];
  const scopes: RateLimitScope[] = [];
  for (const { entry, subject } of applied) {
    const bucket = `{${entry.orgId}}:${entry.scope}:${subject}`;
    for (const kind of ["rpm", "tpm", "concurrency"] as const) {
      const limit = entry[kind];
      if (limit === null) continue;
      checks.push({ kind, bucket, limit, failMode: entry.failMode });
      scopes.push(entry.scope);
    }
  }
  return [checks, scopes];
}

/** The refusal names the longest wait among the checks that refused, like OpenAI's "Please try again in 6s". */
function refusal(checks: readonly LimitCheck[], scopes: readonly RateLimitScope[], results: readonly { allowed: boolean; retryAfterMs: number }[]): GatewayError {
  let worst = -1;
  for (let index = 0; index < results.length; index++) {
    if (!results[index].allowed && (worst < 0 || results[index].retryAfterMs > results[worst].retryAfterMs)) worst = index;
  }
  const { kind, limit } = checks[worst];
  const retryAfterMs = Math.max(1, results[worst].retryAfterMs);
  const message = `Rate limit reached for ${kindWords[kind]} (${kind}) on ${scopeWords[scopes[worst]]}: limit ${limit}. Please try again in ${formatDuration(retryAfterMs)}.`;
  return { kind: "rate_limited", retryAfterMs, message };
}
