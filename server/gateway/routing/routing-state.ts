import { CircuitBreaker, type CircuitChange, type CircuitSettings, type CircuitState } from "./circuit-breaker";
import { RetryBudget } from "./retry-budget";

/** EWMA weight of a new latency sample (~ the last 10 samples matter). */
const EWMA_ALPHA = 0.2;
const MAX_EVENTS = 500;
/** A latency value halves every this long without a new sample. */
export const LATENCY_HALF_LIFE_MS = 10_000;

const decay = (value: number | undefined, factor: number) => (value === undefined ? undefined : value * factor);

export interface LatencyStats {
  ttftMs?: number;
  totalMs?: number;
  samples: number;
}

/** One entry of the routing-events timeline: a circuit change or a cool-down, with its reason. */
export interface RoutingEvent {
  at: number;
  deployment: string;
  kind: "circuit" | "cooldown";
  state?: CircuitState;
  reason: string;
}

/**
 * What routing learns as requests go, per process (README "Model groups and routing": shared state is per replica):
 * in-flight counts, peak-EWMA latencies (time to first token and total), circuit breakers, 429 cool-downs, retry budgets
 * per group, and a bounded timeline of events. Keyed by a deployment's health key (its catalog model id). The clock
 * is injected so tests and simulations are deterministic.
 */
export class RoutingState {
  private readonly inFlight = new Map<string, number>();
  private readonly latency = new Map<string, LatencyStats & { at: number }>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly coolUntil = new Map<string, number>();
  private readonly budgets = new Map<string, RetryBudget>();
  readonly events: RoutingEvent[] = [];

  constructor(readonly now: () => number = Date.now) {}

  inFlightOf(key: string): number {
    return this.inFlight.get(key) ?? 0;
  }

  /** Counts a request in flight; the returned function ends it (idempotent). */
  begin(key: string): () => void {
    this.inFlight.set(key, this.inFlightOf(key) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight.set(key, Math.max(0, this.inFlightOf(key) - 1));
    };
  }

  /** The deployment's latency now: its peak EWMA, decayed toward 0 with the time since the last sample. */
  latencyOf(key: string): LatencyStats {
    const stored = this.latency.get(key);
    if (!stored) return { samples: 0 };
    const factor = 0.5 ** (Math.max(0, this.now() - stored.at) / LATENCY_HALF_LIFE_MS);
    return { ttftMs: decay(stored.ttftMs, factor), totalMs: decay(stored.totalMs, factor), samples: stored.samples };
  }

  /**
   * A peak-sensitive EWMA (Finagle's "Peak EWMA"): a sample above the current value replaces it at once, so a latency
   * spike moves traffic within one request; lower samples are blended in with weight EWMA_ALPHA. Between samples the
   * value decays (half-life LATENCY_HALF_LIFE_MS), so a demoted deployment is tried again and traffic returns
   * gradually once it answers fast.
   */
  observeLatency(key: string, sample: { ttftMs?: number; totalMs?: number }): void {
    const previous = this.latencyOf(key);
    const blend = (old: number | undefined, value: number | undefined) => (value === undefined ? old : old === undefined || value > old ? value : old + EWMA_ALPHA * (value - old));
    this.latency.set(key, { ttftMs: blend(previous.ttftMs, sample.ttftMs), totalMs: blend(previous.totalMs, sample.totalMs), samples: previous.samples + 1, at: this.now() });
  }

  breakerOf(key: string, settings: CircuitSettings): CircuitBreaker {
    let breaker = this.breakers.get(key);
    if (!breaker) this.breakers.set(key, (breaker = new CircuitBreaker(settings)));
    return breaker;
  }

  /** Records a circuit change on the timeline (no-op for none). */
  noteCircuit(deployment: string, change: CircuitChange | undefined): void {
    if (change) this.push({ at: this.now(), deployment, kind: "circuit", state: change.to, reason: change.reason });
  }

  /** A 429: the deployment is passed over until `until` (Retry-After or the reset header). */
  coolDown(key: string, deployment: string, until: number, reason: string): void {
    this.coolUntil.set(key, Math.max(until, this.coolUntil.get(key) ?? 0));
    this.push({ at: this.now(), deployment, kind: "cooldown", reason });
  }

  isCooling(key: string): boolean {
    return (this.coolUntil.get(key) ?? 0) > this.now();
  }

  retryBudgetOf(group: string, ratio: number, windowMs: number): RetryBudget {
    let budget = this.budgets.get(group);
    if (!budget) this.budgets.set(group, (budget = new RetryBudget(ratio, windowMs)));
    return budget;
  }

  private push(event: RoutingEvent): void {
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events.shift();
  }
}
