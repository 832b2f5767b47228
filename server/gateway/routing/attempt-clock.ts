import type { GroupDefinition } from "@/db/schema/model-group-definition";
import type { GatewayError } from "../types";
import type { TimeoutOverrides, UpstreamClient } from "../upstream";

/**
 * A model group's per-attempt timeouts (README "Model groups and routing", Timeouts). connect_ms and idle_ms are the
 * upstream client's own limits for this attempt's request (undici: the connect timeout, the body timeout between
 * chunks); first_token_ms and total_ms are clocks of the attempt itself, started when it starts and never shared with
 * another attempt. A clock that runs out aborts the attempt upstream at once (`abort`) and says which phase it was.
 */
export interface AttemptClock {
  /** The first event (stream) or the whole answer (non-stream) arrived: the first-token clock stops. */
  passedFirstToken(): void;
  /** The phase whose clock ran out, if one did. */
  readonly expired: "first_token" | "total" | undefined;
  /** Stops every clock (the attempt failed, or its answer is settled). */
  stop(): void;
}

export function startAttemptClock(timeouts: GroupDefinition["timeouts"], abort: () => void): AttemptClock {
  let expired: AttemptClock["expired"];
  const expire = (phase: "first_token" | "total") => () => {
    expired ??= phase;
    abort();
  };
  let firstToken = timeouts.first_token_ms !== undefined ? setTimeout(expire("first_token"), timeouts.first_token_ms) : undefined;
  let total = timeouts.total_ms !== undefined ? setTimeout(expire("total"), timeouts.total_ms) : undefined;
  return {
    passedFirstToken() {
      clearTimeout(firstToken);
      firstToken = undefined;
    },
    get expired() {
      return expired;
    },
    stop() {
      clearTimeout(firstToken);
      clearTimeout(total);
      firstToken = total = undefined;
    },
  };
}

/** The error of an attempt whose own clock ran out (the upstream call saw only an abort). */
export function attemptTimeoutError(phase: "first_token" | "total"): GatewayError {
  return phase === "total" ? { kind: "timeout", phase: "total", scope: "attempt" } : { kind: "timeout", phase: "first_token" };
}

/** The upstream limits a group sets in place of the gateway-wide ones; undefined when it sets none. */
export function upstreamOverrides(timeouts: GroupDefinition["timeouts"]): TimeoutOverrides | undefined {
  const overrides: TimeoutOverrides = {
    ...(timeouts.connect_ms !== undefined ? { connectMs: timeouts.connect_ms } : {}),
    ...(timeouts.idle_ms !== undefined ? { idleMs: timeouts.idle_ms } : {}),
  };
  return Object.keys(overrides).length > 0 ? overrides : undefined;
}

/** The upstream client with the group's limits on every request it sends (the group's attempts only). */
export function withTimeouts(client: UpstreamClient, overrides: TimeoutOverrides | undefined): UpstreamClient {
  if (!overrides) return client;
  return { send: (upstream, options) => client.send(upstream, { ...options, timeouts: { ...overrides, ...options.timeouts } }), close: () => client.close() };
}
