import { CircuitBreaker, type CircuitChange, type CircuitSettings, type CircuitState } from "./circuit-breaker";
import type { AnswerQuality } from "./answer-quality";
import { describeQuality, QualityWindow } from "./quality-window";
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
  kind: "circuit" | "cooldown" | "quality";
  state?: CircuitState;
  reason: string;
}

/** Where a change happened: the deployment (its health key) and the group whose request met it. */
export interface EventSubject {
  key: string;
  deployment: string;
  group: { id: string; orgId: string; name: string };
}

/** A change this replica made, for the persisted timeline (routing_events). */
export type LocalRoutingEvent = RoutingEvent & { subject: EventSubject };

/**
 * A circuit change or a cool-down to share with the other replicas (routing/shared-routing.ts): `until` is when the
 * circuit's cooldown or the cool-down ends (epoch ms).
 */
export type SharedRoutingChange =
  | { kind: "open"; key: string; deployment: string; until: number; reason: string }
  | { kind: "closed"; key: string; deployment: string; reason: string }
  | { kind: "cooldown"; key: string; deployment: string; until: number; reason: string };

/**
 * What routing learns as requests go, per process (README "Model groups and routing"); circuit changes and 429
 * cool-downs are also shared with the other replicas when a `share` hook is set (Redis, routing/shared-routing.ts):
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
  private readonly quality = new Map<string, QualityWindow>();
  /** Circuits other replicas opened before this process had a breaker for the deployment: key → cooldown end. */
  private readonly openElsewhere = new Map<string, { until: number; reason: string }>();
  readonly events: RoutingEvent[] = [];
  /** Publishes this replica's circuit changes and cool-downs to the others; unset: routing state stays per process. */
  share: ((change: SharedRoutingChange) => void) | undefined;
  /** Receives every change this replica made (not those learned from others), to be written to the timeline. */
  record: ((event: LocalRoutingEvent) => void) | undefined;

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
    if (!breaker) {
      this.breakers.set(key, (breaker = new CircuitBreaker(settings)));
      const elsewhere = this.openElsewhere.get(key);
      this.openElsewhere.delete(key);
      if (elsewhere && elsewhere.until > this.now()) breaker.openFromElsewhere(elsewhere.until - settings.cooldown_ms, elsewhere.reason);
    }
    return breaker;
  }

  /** Records a circuit change of this replica on the timeline (no-op for none) and shares an opening or a closing. */
  noteCircuit(subject: EventSubject, change: CircuitChange | undefined, cooldownMs: number): void {
    if (!change) return;
    this.local(subject, { at: this.now(), deployment: subject.deployment, kind: "circuit", state: change.to, reason: change.reason });
    if (change.to === "open") this.share?.({ kind: "open", key: subject.key, deployment: subject.deployment, until: this.now() + cooldownMs, reason: change.reason });
    else if (change.to === "closed") this.share?.({ kind: "closed", key: subject.key, deployment: subject.deployment, reason: change.reason });
  }

  /** A 429: the deployment is passed over until `until` (Retry-After or the reset header). */
  coolDown(subject: EventSubject, until: number, reason: string): void {
    this.coolUntil.set(subject.key, Math.max(until, this.coolUntil.get(subject.key) ?? 0));
    this.local(subject, { at: this.now(), deployment: subject.deployment, kind: "cooldown", reason });
    this.share?.({ kind: "cooldown", key: subject.key, deployment: subject.deployment, until, reason });
  }

  private local(subject: EventSubject, event: RoutingEvent): void {
    this.push(event);
    this.record?.({ ...event, subject });
  }

  /** A change another replica shared: applied here (never shared again), and on the timeline, marked as such. */
  applyShared(change: SharedRoutingChange): void {
    const reason = `on another replica: ${change.reason}`;
    if (change.kind === "cooldown") {
      if (change.until <= this.now()) return;
      this.coolUntil.set(change.key, Math.max(change.until, this.coolUntil.get(change.key) ?? 0));
      this.push({ at: this.now(), deployment: change.deployment, kind: "cooldown", reason });
      return;
    }
    const breaker = this.breakers.get(change.key);
    if (change.kind === "open") {
      if (change.until <= this.now()) return;
      if (!breaker) {
        // Deployments this replica never used (or another deployment's, on a shared Redis): bounded, ended ones go.
        if (this.openElsewhere.size >= 1000) for (const [other, entry] of this.openElsewhere) if (entry.until <= this.now()) this.openElsewhere.delete(other);
        if (this.openElsewhere.size >= 10_000) return;
        this.openElsewhere.set(change.key, { until: change.until, reason });
        this.push({ at: this.now(), deployment: change.deployment, kind: "circuit", state: "open", reason });
        return;
      }
      // The breaker's own cooldown setting places the opening so that it ends when the sender's does.
      const opened = breaker.openFromElsewhere(change.until - breaker.cooldownMs, reason);
      if (opened) this.push({ at: this.now(), deployment: change.deployment, kind: "circuit", state: "open", reason });
      return;
    }
    this.openElsewhere.delete(change.key);
    const closed = breaker?.closeFromElsewhere(reason);
    if (closed) this.push({ at: this.now(), deployment: change.deployment, kind: "circuit", state: "closed", reason });
  }

  /**
   * One served answer's quality signals (routing/answer-quality.ts). When the deployment's recent answers turn poor
   * (QUALITY_DEMOTE_SHARE of at least QUALITY_MIN_SAMPLES) it is demoted, ordered after the healthy deployments, and the
   * timeline gets a "quality" event; when they recover, another one. Per process (not shared through Redis).
   */
  observeQuality(subject: EventSubject, quality: AnswerQuality): void {
    let window = this.quality.get(subject.key);
    if (!window) this.quality.set(subject.key, (window = new QualityWindow()));
    window.record(this.now(), quality);
    this.reviewQuality(subject, window);
  }

  /** Whether the deployment is demoted for the quality of its recent answers (re-judged as they age out). */
  qualityDemotion(key: string): string | undefined {
    const window = this.quality.get(key);
    if (!window?.demoted) return undefined;
    const counts = window.countsAt(this.now());
    return window.shouldDemote(this.now()) ? describeQuality(counts) : undefined;
  }

  private reviewQuality(subject: EventSubject, window: QualityWindow): void {
    const demote = window.shouldDemote(this.now());
    if (demote === window.demoted) return;
    window.demoted = demote;
    const counts = describeQuality(window.countsAt(this.now()));
    this.local(subject, { at: this.now(), deployment: subject.deployment, kind: "quality", reason: demote ? `demoted for quality: ${counts}` : `quality restored: ${counts}` });
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
