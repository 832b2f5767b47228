import { CONCURRENCY_RETRY_MS, gcraIncrement, WINDOW_US, type Admission, type CheckResult, type LimitCheck, type RateLimiter } from "./limiter";

/**
 * The in-process limiter, for a single node (no REDIS_URL): the same algorithms as the Redis script
 * (redis-scripts.ts), on Maps. rpm and tpm are GCRA (a token bucket kept as one "theoretical arrival
 * time" per counter); concurrency is a set of lease ids per counter. Counters that are back to full are
 * swept every minute, so memory follows the active subjects. Slots need no expiry here: the process that
 * holds a lease is the one counting it.
 */
export function createMemoryRateLimiter(options: { now?: () => number; sweepIntervalMs?: number } = {}): RateLimiter {
  const now = options.now ?? (() => Date.now());
  const arrivals = new Map<string, number>();
  const slots = new Map<string, Set<string>>();
  const sweep = setInterval(() => {
    const at = now() * 1000;
    for (const [name, tat] of arrivals) if (tat <= at) arrivals.delete(name);
    for (const [name, leases] of slots) if (leases.size === 0) slots.delete(name);
  }, options.sweepIntervalMs ?? 60_000);
  sweep.unref();

  function evaluate(check: LimitCheck, cost: number, at: number): { result: CheckResult; apply: (leaseId: string) => void } {
    const name = `${check.kind}:${check.bucket}`;
    if (check.kind === "concurrency") {
      const leases = slots.get(name);
      const used = leases?.size ?? 0;
      const allowed = used < check.limit;
      return {
        result: { allowed, remaining: Math.max(0, check.limit - used - (allowed ? 1 : 0)), resetMs: 0, retryAfterMs: allowed ? 0 : CONCURRENCY_RETRY_MS },
        apply: (leaseId) => {
          const set = leases ?? new Set<string>();
          set.add(leaseId);
          slots.set(name, set);
        },
      };
    }
    const tat = Math.max(arrivals.get(name) ?? at, at);
    const next = tat + gcraIncrement(cost, check.limit);
    const allowAt = tat + gcraIncrement(Math.min(cost, check.limit), check.limit) - WINDOW_US;
    const allowed = allowAt <= at;
    const held = allowed ? next : tat;
    return {
      result: {
        allowed,
        remaining: Math.max(0, Math.floor(((at + WINDOW_US - held) * check.limit) / WINDOW_US)),
        resetMs: Math.max(0, Math.ceil((held - at) / 1000)),
        retryAfterMs: allowed ? 0 : Math.ceil((allowAt - at) / 1000),
      },
      apply: () => void arrivals.set(name, next),
    };
  }

  return {
    kind: "memory",
    async admit(admission: Admission) {
      const at = now() * 1000;
      const evaluated = admission.checks.map((check) => evaluate(check, check.kind === "rpm" ? 1 : admission.estimatedTokens, at));
      const allowed = evaluated.every((each) => each.result.allowed);
      if (allowed) for (const each of evaluated) each.apply(admission.leaseId);
      return { allowed, results: evaluated.map((each) => each.result) };
    },
    async settle(admission: Admission, actualTokens: number) {
      const at = now() * 1000;
      for (const check of admission.checks) {
        const name = `${check.kind}:${check.bucket}`;
        if (check.kind === "concurrency") slots.get(name)?.delete(admission.leaseId);
        if (check.kind !== "tpm" || actualTokens === admission.estimatedTokens) continue;
        const tat = Math.max(arrivals.get(name) ?? at, at);
        const delta = actualTokens - admission.estimatedTokens;
        const corrected = tat + Math.sign(delta) * gcraIncrement(Math.abs(delta), check.limit);
        arrivals.set(name, Math.max(corrected, at));
      }
    },
    async stop() {
      clearInterval(sweep);
    },
  };
}
