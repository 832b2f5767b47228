import type { UsageRow } from "@/db/queries/usage-ledger";
import { describeError, logger } from "@/server/logger";

export interface UsageSink {
  record(row: UsageRow): void;
}

export interface UsageWriterOptions {
  /** Writes one batch; must be idempotent per row id (ON CONFLICT DO NOTHING). */
  write(rows: UsageRow[]): Promise<void>;
  /** Marks keys used (best effort). */
  touchKeys?(keyIds: string[], at: Date): Promise<void>;
  intervalMs: number;
  maxBatch?: number;
  /** Longest wait between retries while the database is away. */
  maxBackoffMs?: number;
}

/**
 * Buffers ledger rows off the response path and writes them in batches. A failed batch stays
 * queued (in order) and is retried with backoff; inserts are idempotent, so a batch that
 * committed but whose acknowledgement was lost is not billed twice. stop() flushes what is left.
 */
export class UsageWriter implements UsageSink {
  private queue: UsageRow[] = [];
  private touched = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  private nextAttemptAt = 0;
  private stopped = false;

  constructor(private readonly options: UsageWriterOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.options.intervalMs);
    this.timer.unref();
  }

  record(row: UsageRow): void {
    this.queue.push(row);
    if (row.keyId) {
      const last = this.touched.get(row.keyId) ?? 0;
      if (last === -1 || Date.now() - last >= 60_000) this.touched.set(row.keyId, -1);
    }
    if (this.queue.length >= (this.options.maxBatch ?? 500) && !this.flushing && !this.stopped) void this.flush();
  }

  get pending(): number {
    return this.queue.length;
  }

  /** When the oldest queued row's request ended (epoch ms), for the queue-lag metric; undefined when empty. */
  get oldestQueuedAt(): number | undefined {
    const oldest = this.queue[0]?.endedAt;
    return oldest instanceof Date ? oldest.getTime() : undefined;
  }

  /** Writes everything queued now (one batch at a time). Resolves when the queue is empty or a write failed. */
  flush(force = false): Promise<void> {
    if (this.flushing) return this.flushing;
    if (!force && Date.now() < this.nextAttemptAt) return Promise.resolve();
    this.flushing = this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    const maxBatch = this.options.maxBatch ?? 500;
    while (this.queue.length > 0) {
      const batch = this.queue.slice(0, maxBatch);
      try {
        await this.options.write(batch);
      } catch (error) {
        this.failures += 1;
        const backoff = Math.min(this.options.maxBackoffMs ?? 30_000, 250 * 2 ** Math.min(this.failures, 10));
        this.nextAttemptAt = Date.now() + backoff * (0.5 + Math.random() / 2);
        logger.warn("usage batch write failed; will retry", { ...describeError(error), queued: this.queue.length, retry_in_ms: Math.round(backoff) });
        return;
      }
      this.queue.splice(0, batch.length);
      this.failures = 0;
      this.nextAttemptAt = 0;
    }
    await this.touchKeys();
  }

  private async touchKeys(): Promise<void> {
    const due = [...this.touched].filter(([, at]) => at === -1).map(([id]) => id);
    if (due.length === 0 || !this.options.touchKeys) return;
    const now = Date.now();
    for (const id of due) this.touched.set(id, now);
    await this.options.touchKeys(due, new Date(now)).catch((error) => {
      for (const id of due) this.touched.set(id, -1);
      logger.warn("last_used_at update failed", describeError(error));
    });
  }

  /** Stops the timer and keeps flushing until the queue is empty or the deadline passes. */
  async stop(deadlineMs = 10_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const deadline = Date.now() + deadlineMs;
    while (this.queue.length > 0 && Date.now() < deadline) {
      await this.flush(true);
      if (this.queue.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(500, Math.max(0, deadline - Date.now()))));
    }
    if (this.queue.length > 0) logger.error("usage rows not written before shutdown", { rows: this.queue.length, request_ids: this.queue.slice(0, 20).map((row) => row.id) });
  }
}
