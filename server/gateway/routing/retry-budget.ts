const BUCKETS = 10;
/** Retries always allowed per window, so a quiet group can still retry its first failures. */
export const MIN_RETRIES_PER_WINDOW = 3;

/**
 * Retries ≤ ratio × requests over a sliding window (ten buckets of window/10), plus MIN_RETRIES_PER_WINDOW: during an
 * outage the gateway sends at most (1 + ratio) times the traffic it was asked for, instead of max_attempts times.
 * Time is passed in (tests drive it).
 */
export class RetryBudget {
  private readonly requests = new Array<number>(BUCKETS).fill(0);
  private readonly retries = new Array<number>(BUCKETS).fill(0);
  private bucketStart = 0;
  private current = 0;

  constructor(
    private readonly ratio: number,
    private readonly windowMs: number,
  ) {}

  recordRequest(now: number): void {
    this.advance(now);
    this.requests[this.current] += 1;
  }

  /** Takes one retry from the budget; false when the window's retries reached the ratio. */
  tryRetry(now: number): boolean {
    this.advance(now);
    const requests = this.requests.reduce((sum, value) => sum + value, 0);
    const retries = this.retries.reduce((sum, value) => sum + value, 0);
    if (retries >= MIN_RETRIES_PER_WINDOW + Math.floor(this.ratio * requests)) return false;
    this.retries[this.current] += 1;
    return true;
  }

  private advance(now: number): void {
    const width = this.windowMs / BUCKETS;
    if (this.bucketStart === 0) this.bucketStart = now;
    let steps = Math.floor((now - this.bucketStart) / width);
    if (steps <= 0) return;
    this.bucketStart += steps * width;
    steps = Math.min(steps, BUCKETS);
    for (let step = 0; step < steps; step++) {
      this.current = (this.current + 1) % BUCKETS;
      this.requests[this.current] = 0;
      this.retries[this.current] = 0;
    }
  }
}
