/** What the ledger keeps of a routed request's decisions (usage_ledger.routing): candidates, choice, attempts. */
export interface RouteTraceValue {
  group: string;
  version: number;
  strategy: string;
  candidates: RouteCandidateValue[];
  attempts: RouteAttemptValue[];
  /** The deployment that served the answer; absent when none did. */
  chosen?: string;
  /** One sentence: why the request ended where it did. */
  summary: string;
}

export interface RouteCandidateValue {
  deployment: string;
  /** The group the deployment belongs to (a fallback group differs from `group`). */
  group: string;
  model: string;
  provider: string;
  region: string | null;
  /** Rank in the order tried (1 = first); absent when excluded. */
  rank?: number;
  /** The strategy's score (lower is better: in-flight, EWMA ms, picodollars, priority), when it uses one. */
  score?: number;
  /** Why it sits where it does when not plain strategy order (cooling down, saturated). */
  note?: string;
  /** Why the deployment could not serve this request. */
  excluded?: string;
}

export interface RouteAttemptValue {
  deployment: string;
  model: string;
  /** Milliseconds after the request arrived that the attempt started. */
  startMs: number;
  durationMs: number;
  /** Waited before this attempt (backoff or Retry-After). */
  delayMs: number;
  outcome: "success" | "error";
  /** Why this deployment was tried: first choice, retry, fallback after …. */
  reason: string;
  /** `phase` for timeouts (connect, first_token, idle, total), with `scope: "attempt"` for a group's total_ms. */
  error?: { kind: string; status?: number; code?: string; phase?: string; scope?: string };
}
