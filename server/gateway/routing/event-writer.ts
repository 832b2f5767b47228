import type { Executor } from "@/db/client";
import { insertRoutingEvents, pruneRoutingEvents, type NewRoutingEvent } from "@/db/queries/routing-events";
import { describeError, logger } from "@/server/logger";
import type { LocalRoutingEvent } from "./routing-state";

/** Events waiting past this many (the database unreachable for long) are dropped, oldest first, and counted in a log line. */
const MAX_QUEUED = 5_000;

/**
 * Writes this replica's routing events (circuit changes, cool-downs) to routing_events, in batches every
 * `intervalMs`, off the request path: `record` only queues. Events older than `retentionDays` are pruned hourly.
 */
export function startRoutingEventWriter(db: Executor, options: { replica: string; intervalMs?: number; retentionDays: number }): { record(event: LocalRoutingEvent): void; stop(): Promise<void> } {
  let queue: NewRoutingEvent[] = [];
  let dropped = 0;
  let flushing: Promise<void> | null = null;
  const flush = async () => {
    if (flushing || queue.length === 0) return;
    const batch = queue;
    queue = [];
    flushing = insertRoutingEvents(db, batch)
      .catch((error) => {
        logger.warn("writing routing events failed; they are retried with the next batch", describeError(error));
        queue = [...batch, ...queue].slice(-MAX_QUEUED);
      })
      .finally(() => {
        flushing = null;
      });
    await flushing;
  };
  const timer = setInterval(() => void flush(), options.intervalMs ?? 1000);
  timer.unref();
  const prune = () => pruneRoutingEvents(db, new Date(Date.now() - options.retentionDays * 86_400_000)).catch((error) => logger.warn("pruning routing events failed", describeError(error)));
  const pruner = setInterval(() => void prune(), 3_600_000);
  pruner.unref();
  return {
    record(event) {
      if (queue.length >= MAX_QUEUED) {
        queue.shift();
        if (dropped++ % 1000 === 0) logger.warn("routing events dropped: the queue is full (is the database reachable?)", { dropped });
      }
      queue.push({
        orgId: event.subject.group.orgId,
        at: new Date(event.at),
        groupId: event.subject.group.id,
        groupName: event.subject.group.name,
        deployment: event.deployment,
        modelId: event.subject.key,
        kind: event.kind,
        state: event.state ?? null,
        reason: event.reason,
        replica: options.replica,
      });
    },
    async stop() {
      clearInterval(timer);
      clearInterval(pruner);
      if (flushing) await flushing;
      await flush();
    },
  };
}
