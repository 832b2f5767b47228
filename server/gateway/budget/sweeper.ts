import type { Executor } from "@/db/client";
import { reserveBudgets, sweepExpiredReservations } from "@/db/queries/budgets";
import { describeError, logger } from "@/server/logger";
import { processBudgetAlerts, type AlertDelivery } from "./alerts";
import type { BudgetStore } from "./reserve";

/** The PostgreSQL budget store: one modelgate_reserve_budgets call per budgeted request. */
export function createDatabaseBudgetStore(db: Executor): BudgetStore {
  return { reserve: (requestId, charges, expiresAt) => reserveBudgets(db, requestId, charges, expiresAt) };
}

/**
 * Every replica sweeps expired reservations and checks alert thresholds (each alert fires once, whichever replica
 * records it first). Sweeping: (those of requests whose replica died before writing their ledger row);
 * the delete is atomic, so replicas sweeping at once free each reservation once.
 */
export function startBudgetSweeper(db: Executor, intervalMs: number, alerts?: AlertDelivery & { intervalMs: number }): { stop(): void } {
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
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      if (alertTimer) clearInterval(alertTimer);
    },
  };
}
