import type { Executor } from "@/db/client";
import { reserveBudgets, sweepExpiredReservations } from "@/db/queries/budgets";
import { describeError, logger } from "@/server/logger";
import type { BudgetStore } from "./reserve";

/** The PostgreSQL budget store: one modelgate_reserve_budgets call per budgeted request. */
export function createDatabaseBudgetStore(db: Executor): BudgetStore {
  return { reserve: (requestId, charges, expiresAt) => reserveBudgets(db, requestId, charges, expiresAt) };
}

/**
 * Every replica sweeps expired reservations (those of requests whose replica died before writing their ledger row);
 * the delete is atomic, so replicas sweeping at once free each reservation once.
 */
export function startBudgetSweeper(db: Executor, intervalMs: number): { stop(): void } {
  const sweep = () =>
    sweepExpiredReservations(db)
      .then((freed) => {
        if (freed > 0) logger.warn("freed expired budget reservations (a replica stopped before settling them)", { reservations: freed });
      })
      .catch((error) => logger.warn("budget reservation sweep failed", describeError(error)));
  const timer = setInterval(() => void sweep(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
