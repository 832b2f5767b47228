import { CONTEXT_LENGTH_EXCEEDED } from "@/server/providers/context-window";
import type { GatewayError } from "../types";

/**
 * What a failed attempt means for the next one (README "Model groups and routing", Resilience):
 * - `transient`: the deployment may answer next time (5xx, 408, 409, network errors, connect / first-token / idle
 *   timeouts, a group's per-attempt total_ms, a stream cut before its first event): retried with backoff, another
 *   deployment tried first;
 * - `rate_limited`: the provider's 429; the deployment cools down until its Retry-After or reset header;
 * - `context_overflow`: the prompt does not fit this model (`context_length_exceeded`): only a larger-context
 *   deployment is tried;
 * - `deployment_broken`: the gateway's credential or the upstream model id is wrong (401, 403, 404): never the same
 *   deployment again, but another may work;
 * - `final`: the caller's request is at fault, or the request's own deadline passed: answered as it is.
 * Exhaustive on purpose (no default case): a new error kind does not compile until it is classified here.
 */
export type FailureClass = "transient" | "rate_limited" | "context_overflow" | "deployment_broken" | "final";

export function classifyFailure(error: GatewayError): FailureClass {
  switch (error.kind) {
    case "upstream":
      return classifyStatus(error.status, error.code);
    case "timeout":
      return error.phase === "connect" || error.phase === "first_token" || error.phase === "idle" || error.scope === "attempt" ? "transient" : "final";
    case "stream_cut":
      return "transient";
    case "invalid_request":
      return error.code === CONTEXT_LENGTH_EXCEEDED ? "context_overflow" : "final";
    case "unauthorized":
    case "forbidden":
    case "not_found":
    case "payload_too_large":
    case "unsupported_media_type":
    case "budget_exceeded":
    case "rate_limited":
    case "no_route":
    case "unavailable":
    case "internal":
      return "final";
  }
}

function classifyStatus(status: number, code: string | undefined): FailureClass {
  if (code === CONTEXT_LENGTH_EXCEEDED) return "context_overflow";
  if (status === 429) return "rate_limited";
  if (status === 408 || status === 409 || status >= 500) return "transient";
  if (status === 401 || status === 403 || status === 404) return "deployment_broken";
  return "final";
}

/** Whether the failure counts against the deployment's circuit breaker (the caller's faults and 429s do not). */
export function isCircuitFailure(failure: FailureClass): boolean {
  return failure === "transient" || failure === "deployment_broken";
}
