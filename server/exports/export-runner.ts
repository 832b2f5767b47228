import { randomUUID } from "node:crypto";
import type { Database } from "@/db/client";
import { claimDueDelivery, finishDelivery, insertDueDeliveries, listEnabledSchedules } from "@/db/queries/export-schedules";
import { describeError, logger } from "@/server/logger";
import { deliverExport, type ExportDeliveryOptions } from "./deliver-export";
import { lastEndedMonth } from "./due-periods";

export interface ExportRunnerOptions extends ExportDeliveryOptions {
  /** How long a claim holds a delivery; a runner that dies mid-delivery leaves it to be claimed again after this. */
  leaseMs?: number;
  /** Deliveries attempted per pass at most. */
  maxPerPass?: number;
}

/**
 * One pass, safe on every replica at once: makes the pending delivery of each enabled schedule's last ended month
 * (a unique row per schedule and month: made once), then claims due deliveries one by one (db/queries
 * export-schedules.ts claimDueDelivery: `for update skip locked` and a claim token) and delivers them. Returns what it
 * did.
 */
export async function runExportDeliveries(db: Database, options: ExportRunnerOptions): Promise<{ created: number; delivered: number; failed: number }> {
  const clock = options.clock ?? (() => new Date());
  const now = clock();
  const schedules = await listEnabledSchedules(db);
  const created = await insertDueDeliveries(db, schedules.map((schedule) => ({ scheduleId: schedule.id, period: lastEndedMonth(schedule.timeZone, now) })), now);
  let delivered = 0;
  let failed = 0;
  for (let index = 0; index < (options.maxPerPass ?? 20); index++) {
    const claim = await claimDueDelivery(db, randomUUID(), clock(), options.leaseMs ?? 15 * 60_000);
    if (!claim) break;
    const outcome = await deliverExport(db, claim, options);
    const recorded = await finishDelivery(db, claim, outcome);
    if (outcome.status === "delivered") delivered++;
    else {
      failed++;
      logger.warn("scheduled export not delivered", { delivery_id: claim.id, schedule_id: claim.scheduleId, period: claim.period, attempt: claim.attempts, error: outcome.error, final: outcome.status === "failed" });
    }
    if (!recorded) logger.info("scheduled export outcome dropped: the delivery was re-sent meanwhile", { delivery_id: claim.id });
  }
  return { created, delivered, failed };
}

/** Every console process (server.ts) runs a pass every `intervalMs` (no overlap within a process); the claims keep them apart. */
export function startExportRunner(db: Database, intervalMs: number, options: ExportRunnerOptions): { stop(): void } {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    void runExportDeliveries(db, options)
      .catch((error) => logger.warn("scheduled export pass failed", describeError(error)))
      .finally(() => {
        running = false;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
