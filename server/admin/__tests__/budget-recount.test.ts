import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertUsageRows, type UsageRow } from "@/db/queries/usage-ledger";
import { createBudget } from "@/server/admin/budgets";
import type { Actor } from "@/server/admin/service-result";
import { periodStart } from "@/server/gateway/budget/periods";
import { recountDueBudgets } from "@/server/gateway/budget/sweeper";

/**
 * README "Budgets": requests that replicas served before their snapshots had a new budget are not charged to it; the
 * sweeper recounts the budget's counter from the ledger, exactly, while charged batches keep settling.
 */
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let owner: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
  owner = { orgId: await ensureDefaultOrg(database.handle.db), id: "admin_key:env", role: "owner" };
});
afterAll(async () => database?.drop());

let sequence = 0;
function row(costUsd: string, charges: { budget_id: string; period_start: string }[] | null): UsageRow {
  const at = new Date();
  return { id: `req_recount_${process.pid}_${sequence++}`, orgId: owner.orgId, endpoint: "/v1/chat/completions", status: "success", httpStatus: 200, latencyMs: 1, startedAt: at, endedAt: at, costUsd, budgetCharges: charges, upstreamAttempts: 1 };
}

async function counter(budgetId: string): Promise<{ spent: string; reconcile_from: Date | null; reconcile_after: Date | null }> {
  const [state] = await executeRows<{ spent: string; reconcile_from: Date | null; reconcile_after: Date | null }>(
    database.handle.db,
    sql`select c.spent::text as spent, b.reconcile_from, b.reconcile_after from budgets b join budget_counters c on c.budget_id = b.id where b.id = ${budgetId}::uuid`,
  );
  const date = (value: Date | string | null) => (value === null ? null : new Date(value));
  return { spent: state.spent, reconcile_from: date(state.reconcile_from), reconcile_after: date(state.reconcile_after) };
}

test("a new budget's uncharged rows are recounted, exactly, while charged batches settle concurrently; then twice more at most", async () => {
  const db = database.handle.db;
  const created = await createBudget(db, owner, { scope: "org", period: "monthly", limit_usd: "100" });
  if (!created.ok) throw new Error(created.error.message);
  const budgetId = created.value.id;
  const charge = [{ budget_id: budgetId, period_start: periodStart("monthly", new Date(), "UTC").toISOString() }];
  expect((await counter(budgetId)).reconcile_from).not.toBeNull();

  // Served before the replicas' snapshots had the budget: in the ledger, not in spent.
  await insertUsageRows(db, [row("0.000001000000", null), row("0.000002500000", null)]);
  expect((await counter(budgetId)).spent).toBe("0.000000000000");
  // Not due yet: every snapshot may not have the budget.
  expect(await recountDueBudgets(db, { earlyMs: 60_000, lateMs: 600_000 })).toBe(0);

  // Due: recounted while 20 charged batches settle at once; nothing is lost or counted twice.
  const timing = { earlyMs: 0, lateMs: 600_000 };
  const batches = Array.from({ length: 20 }, (_, index) => insertUsageRows(db, [row(`0.00000${index % 10}123456`, charge), row("0.000000000001", charge)]));
  const [recounted] = await Promise.all([recountDueBudgets(db, timing), ...batches]);
  expect(recounted).toBe(1);
  const [ledger] = await executeRows<{ total: string }>(db, sql`select sum(cost_usd)::numeric(24, 12)::text as total from usage_ledger where org_id = ${owner.orgId}::uuid`);
  const after = await counter(budgetId);
  expect(after.spent).toBe(ledger.total);
  // The second recount waits until requests in flight at creation have settled; the first recount scheduled it.
  expect(after.reconcile_after!.getTime()).toBe(after.reconcile_from!.getTime() + timing.lateMs);
  expect(await recountDueBudgets(db, timing)).toBe(0);

  // A late uncharged row (a request in flight when the budget was created) is caught by the second recount.
  await insertUsageRows(db, [row("0.000004000000", null)]);
  const later = new Date(after.reconcile_after!.getTime() + 1);
  const [first, second] = await Promise.all([recountDueBudgets(db, timing, later), recountDueBudgets(db, timing, later)]);
  expect(first + second).toBe(1);
  const [final] = await executeRows<{ total: string }>(db, sql`select sum(cost_usd)::numeric(24, 12)::text as total from usage_ledger where org_id = ${owner.orgId}::uuid`);
  const done = await counter(budgetId);
  expect(done.spent).toBe(final.total);
  expect(done.reconcile_from).toBeNull();
  expect(done.reconcile_after).toBeNull();
  expect(await recountDueBudgets(db, timing, later)).toBe(0);
});
