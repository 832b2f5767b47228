import type { UsageRow } from "@/db/queries/usage-ledger";
import { applicableBudgets } from "@/server/gateway/budget/applicable";
import { periodStart } from "@/server/gateway/budget/periods";
import { RESERVATION_GRACE_MS, type BudgetStore } from "@/server/gateway/budget/reserve";
import type { ConfigSource, KeyEntry } from "@/server/gateway/config/config-source";
import { describeError, logger } from "@/server/logger";

export type BudgetHold = { ok: true; charges: UsageRow["budgetCharges"] } | { ok: false; reason: string; retryAfterMs: number };

/**
 * A tool call's cost (the grant's cost per call) is reserved against the key's, its team's and the org's budgets
 * through the same reservation ledger as model spend, before the upstream is reached; the call's usage_ledger row
 * (written afterwards) settles it in its insert. Budgets narrowed to a model do not apply to tool calls. A budget
 * that cannot be checked refuses the call, as it refuses a model request.
 */
export async function reserveCallBudget(store: BudgetStore | undefined, config: ConfigSource, key: KeyEntry, callId: string, costUsd: string, timeoutMs: number): Promise<BudgetHold> {
  if (!store || !/[1-9]/.test(costUsd)) return { ok: true, charges: null };
  const budgets = applicableBudgets(config.findBudgets(key.orgId), { keyId: key.id, teamId: key.teamId, endUser: null, model: null });
  if (budgets.length === 0) return { ok: true, charges: null };
  const now = new Date();
  const charges = budgets.map((budget) => ({ budgetId: budget.id, periodStart: periodStart(budget.period, now, budget.timeZone), amount: costUsd }));
  try {
    const outcome = await store.reserve(callId, charges, new Date(now.getTime() + timeoutMs + RESERVATION_GRACE_MS));
    if (!outcome.ok) {
      return outcome.reason === "exhausted" ? { ok: false, reason: "The budget this call counts against is exhausted.", retryAfterMs: 60_000 } : { ok: false, reason: "The budget is nearly used and held by calls in flight.", retryAfterMs: 1_000 };
    }
    return { ok: true, charges: outcome.reserved.map((reserved) => ({ budget_id: reserved.budgetId, period_start: charges.find((charge) => charge.budgetId === reserved.budgetId)!.periodStart.toISOString() })) };
  } catch (error) {
    logger.warn("MCP budget reservation failed; refusing the call", describeError(error));
    return { ok: false, reason: "Budgets cannot be checked right now.", retryAfterMs: 5_000 };
  }
}
