import type { FailMode } from "./rules";

/**
 * The shape both limiters share: the in-process one (one node) and the Redis one (several replicas). A
 * request is admitted by one `admit` call that evaluates every limit that applies to it atomically (all
 * admit, or nothing is counted), and settled by one `settle` call that corrects the token estimate with the
 * tokens actually used and frees the concurrency slot.
 */
export type LimitKind = "rpm" | "tpm" | "concurrency";

export interface LimitCheck {
  kind: LimitKind;
  /** Counter name, unique per (org, scope, subject); the limiter adds its kind and its own prefix. */
  bucket: string;
  limit: number;
  failMode: FailMode;
}

export interface CheckResult {
  allowed: boolean;
  /** Requests or tokens left in the window after this request (concurrency: free slots). */
  remaining: number;
  /** Until the counter is back to its full limit. */
  resetMs: number;
  /** When denied: until this check would admit the request. */
  retryAfterMs: number;
}

export interface Admission {
  leaseId: string;
  /** Tokens reserved against every tpm check (corrected at settlement). */
  estimatedTokens: number;
  checks: readonly LimitCheck[];
}

export interface RateLimiter {
  readonly kind: "memory" | "redis";
  /** One result per check, in order. Throws when the shared store is unreachable (the caller applies the fail modes). */
  admit(admission: Admission): Promise<{ allowed: boolean; results: CheckResult[] }>;
  /** Call once per admitted request: refunds or charges `actualTokens - estimatedTokens`, frees its concurrency slots. */
  settle(admission: Admission, actualTokens: number): Promise<void>;
  stop(): Promise<void>;
}

/** The window of rpm and tpm limits. */
export const WINDOW_MS = 60_000;
export const WINDOW_US = WINDOW_MS * 1000;
/** A denied concurrency check cannot know when a slot frees: callers are told to retry after this. */
export const CONCURRENCY_RETRY_MS = 1000;

/** Microseconds one unit of `cost` occupies in a GCRA window of `limit` per minute. */
export function gcraIncrement(cost: number, limit: number): number {
  return Math.floor((cost * WINDOW_US) / limit);
}

/** A request's place in the limiter, kept on its RequestRecord: the headers its answers carry, and its settlement. */
export interface RateLimitHold {
  headers: Record<string, string>;
  /** Corrects the token reservation (undefined: keeps it) and frees the concurrency slots; only the first call counts. */
  settle(actualTokens?: number): void;
}
