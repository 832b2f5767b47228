import type { Executor } from "@/db/client";
import { leaseBudgets, recountDueBudget, renewLeases, reserveBudgets, returnLeases, sweepExpiredReservations } from "@/db/queries/budgets";
import { describeError, logger } from "@/server/logger";
import { processBudgetAlerts, type AlertDelivery } from "./alerts";
import { BudgetLeases, type LeaseOptions, type LeaseStore } from "./leases";
import { periodStart } from "./periods";
import type { BudgetStore } from "./reserve";

/** Slices granted, given back and renewed in PostgreSQL. */
export function createDatabaseLeaseStore(db: Executor): LeaseStore {
  return {
    lease: (leaseId, asks, expiresAt) => leaseBudgets(db, leaseId, asks, expiresAt),
    giveBack: (leaseId, parts) => returnLeases(db, leaseId, parts),
    renew: (leaseId, expiresAt) => renewLeases(db, leaseId, expiresAt),
  };
}

/**
 * The PostgreSQL budget store: requests reserve from this replica's leased slices when `leases` is given (started
 * here), else one modelgate_reserve_budgets call per budgeted request.
 */
export function createDatabaseBudgetStore(db: Executor, leases?: LeaseOptions): BudgetStore & { stop(): Promise<void> } {
  const slices = leases && leases.requestsPerSlice > 0 ? new BudgetLeases(createDatabaseLeaseStore(db), leases) : undefined;
  slices?.start();
  return {
    leases: slices,
    reserve: (requestId, charges, expiresAt) => reserveBudgets(db, requestId, charges, expiresAt),
    stop: async () => {
      await slices?.stop();
    },
  };
}

/**
 * Every replica sweeps expired reservations and checks alert thresholds (each alert fires once, whichever replica
 * records it first). Sweeping: (those of requests whose replica died before writing their ledger row);
 * the delete is atomic, so replicas sweeping at once free each reservation once.
 */
export function startBudgetSweeper(db: Executor, intervalMs: number, alerts?: AlertDelivery & { intervalMs: number }, recount?: RecountTiming): { stop(): void } {
  let alerting = false;
  const alertTimer = alerts
    ? setInterval(() => {
        if (alerting) return;
        alerting = true;
        void processBudgetAlerts(db, alerts)
          .catch((error) => logger.warn("budget alert pass failed", describeError(error)))
          .finally(() => {
            alerting = false;
          });
      }, alerts.intervalMs)
    : null;
  alertTimer?.unref();
  const sweep = () =>
    sweepExpiredReservations(db)
      .then((freed) => {
        if (freed > 0) logger.warn("freed expired budget reservations (a replica stopped before settling them)", { reservations: freed });
      })
      .catch((error) => logger.warn("budget reservation sweep failed", describeError(error)));
  const timer = setInterval(() => void sweep().then(() => (recount ? recountDueBudgets(db, recount) : undefined)), intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      if (alertTimer) clearInterval(alertTimer);
    },
  };
}

/** When a new budget's counter (or its new period after a time-zone change) is recounted from the ledger. */
export interface RecountTiming {
  /** After every replica's snapshot has the budget: the config refresh interval plus a margin. */
  earlyMs: number;
  /** After every request in flight when it was created has settled: the total upstream timeout plus the grace. */
  lateMs: number;
}

/**
 * Recounts the budgets that are due (db/queries/budgets.ts recountDueBudget): requests served before a replica's
 * snapshot had the budget were not charged to it, so its counter would stay below the ledger. A few per sweep.
 */
export async function recountDueBudgets(db: Executor, timing: RecountTiming, now?: Date): Promise<number> {
  let done = 0;
  try {
    for (; done < 20; done++) {
      const recounted = await recountDueBudget(db, { ...timing, now, periodOf: (budget, timeZone) => periodStart(budget.period, now ?? new Date(), timeZone) });
      if (!recounted) break;
      if (recounted.before !== recounted.after) logger.info("recounted a budget from the ledger", { budget_id: recounted.budgetId, spent_before: recounted.before, spent_after: recounted.after });
    }
  } catch (error) {
    logger.warn("budget recount failed", describeError(error));
  }
  return done;
}
