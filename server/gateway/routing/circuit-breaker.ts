/** When a deployment's circuit opens and how it recovers (a group's `circuit` settings). */
export interface CircuitSettings {
  /** Consecutive failures that open the circuit. */
  failure_threshold: number;
  /** Share of failures among the last `min_requests`… outcomes (a window of 2 × min_requests) that opens it. */
  error_rate: number;
  min_requests: number;
  /** Open this long before one probe request is let through (half-open). */
  cooldown_ms: number;
}

export type CircuitState = "closed" | "open" | "half_open";

/** A state change, for the routing events timeline and the trace. */
export interface CircuitChange {
  from: CircuitState;
  to: CircuitState;
  reason: string;
}

/**
 * One deployment's circuit breaker: closed → open on `failure_threshold` consecutive failures or an error rate at or
 * above `error_rate` over the recent window (at least `min_requests` outcomes); open → half-open after `cooldown_ms`,
 * letting exactly one probe through; the probe's success closes it, its failure opens it for another cooldown.
 * Time is passed in (tests drive it).
 */
export class CircuitBreaker {
  state: CircuitState = "closed";
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probing = false;
  private readonly recent: boolean[] = [];

  constructor(private readonly settings: CircuitSettings) {}

  get cooldownMs(): number {
    return this.settings.cooldown_ms;
  }

  /** Whether a request may go to the deployment now; moving to half-open claims the one probe. */
  allows(now: number): { allowed: boolean; change?: CircuitChange } {
    if (this.state === "closed") return { allowed: true };
    if (this.state === "open") {
      if (now - this.openedAt < this.settings.cooldown_ms) return { allowed: false };
      this.state = "half_open";
      this.probing = true;
      return { allowed: true, change: { from: "open", to: "half_open", reason: `cooldown of ${this.settings.cooldown_ms} ms over: one probe request` } };
    }
    if (this.probing) return { allowed: false };
    this.probing = true;
    return { allowed: true };
  }

  /** Whether `allows` would say yes, without claiming a probe (for ranking and the console). */
  isAvailable(now: number): boolean {
    if (this.state === "closed") return true;
    if (this.state === "open") return now - this.openedAt >= this.settings.cooldown_ms;
    return !this.probing;
  }

  onSuccess(): CircuitChange | undefined {
    this.push(true);
    this.consecutiveFailures = 0;
    this.probing = false;
    if (this.state === "closed") return undefined;
    const from = this.state;
    this.state = "closed";
    this.recent.length = 0;
    return { from, to: "closed", reason: "probe request succeeded" };
  }

  onFailure(now: number, what: string): CircuitChange | undefined {
    this.push(false);
    this.consecutiveFailures += 1;
    this.probing = false;
    if (this.state === "half_open") return this.open(now, "half_open", `probe request failed (${what})`);
    if (this.state === "open") return undefined;
    if (this.consecutiveFailures >= this.settings.failure_threshold) return this.open(now, "closed", `${this.consecutiveFailures} consecutive failures (last: ${what})`);
    const failures = this.recent.filter((success) => !success).length;
    if (this.recent.length >= this.settings.min_requests && failures / this.recent.length >= this.settings.error_rate) {
      return this.open(now, "closed", `error rate ${Math.round((100 * failures) / this.recent.length)} % over the last ${this.recent.length} requests (last: ${what})`);
    }
    return undefined;
  }

  /**
   * Another replica opened this deployment's circuit (shared through Redis): open here too, from `openedAt`, so the
   * cooldown ends at the same time everywhere. No change when it is open already.
   */
  openFromElsewhere(openedAt: number, reason: string): CircuitChange | undefined {
    if (this.state === "open") return undefined;
    const from = this.state;
    this.probing = false;
    return this.open(openedAt, from, reason);
  }

  /** Another replica's probe succeeded: close here too (the deployment answers again). */
  closeFromElsewhere(reason: string): CircuitChange | undefined {
    if (this.state === "closed") return undefined;
    const from = this.state;
    this.state = "closed";
    this.consecutiveFailures = 0;
    this.probing = false;
    this.recent.length = 0;
    return { from, to: "closed", reason };
  }

  private open(now: number, from: CircuitState, reason: string): CircuitChange {
    this.state = "open";
    this.openedAt = now;
    return { from, to: "open", reason };
  }

  private push(success: boolean): void {
    this.recent.push(success);
    if (this.recent.length > Math.max(2 * this.settings.min_requests, 10)) this.recent.shift();
  }
}
