import type { KeyEntry } from "@/server/gateway/config/config-source";
import { CONCURRENCY_RETRY_MS, type Admission, type LimitCheck, type RateLimiter } from "@/server/gateway/rate-limit/limiter";
import type { McpGrantEntry } from "./config/mcp-config-source";

export type CallAdmission = { ok: true; release(): void } | { ok: false; reason: string; retryAfterMs: number };

/**
 * A grant's requests per minute and concurrency, counted per grant and key (a team grant limits each of its keys)
 * by the gateway's rate limiter: in this process, or shared through Redis when REDIS_URL is set. A limiter that
 * cannot be reached admits (fail open), as the model limits do by default.
 */
export async function admitCall(limiter: RateLimiter | undefined, grant: McpGrantEntry, key: KeyEntry): Promise<CallAdmission> {
  const checks: LimitCheck[] = [];
  const bucket = `mcp:${grant.id}:${key.id}`;
  if (grant.rpm !== null) checks.push({ kind: "rpm", bucket, limit: grant.rpm, failMode: "open" });
  if (grant.concurrency !== null) checks.push({ kind: "concurrency", bucket, limit: grant.concurrency, failMode: "open" });
  if (!limiter || checks.length === 0) return { ok: true, release: () => {} };
  const admission: Admission = { leaseId: crypto.randomUUID(), estimatedTokens: 0, checks };
  let decision: Awaited<ReturnType<RateLimiter["admit"]>>;
  try {
    decision = await limiter.admit(admission);
  } catch {
    return { ok: true, release: () => {} };
  }
  if (!decision.allowed) {
    const deniedAt = decision.results.findIndex((result) => !result.allowed);
    const check = checks[deniedAt] ?? checks[0];
    const retryAfterMs = check.kind === "concurrency" ? CONCURRENCY_RETRY_MS : Math.max(1, decision.results[deniedAt]?.retryAfterMs ?? 1000);
    const reason = check.kind === "concurrency" ? `Too many concurrent calls to this tool (limit ${check.limit}).` : `Rate limit reached for this tool (${check.limit} calls per minute).`;
    return { ok: false, reason, retryAfterMs };
  }
  let released = false;
  return {
    ok: true,
    release: () => {
      if (released) return;
      released = true;
      void limiter.settle(admission, 0).catch(() => {});
    },
  };
}
