/**
 * Period close on the real PostgreSQL: a closed month's totals are frozen; a late row shows as
 * an adjustment in the next open month (never a silent change); reopening needs an owner and is
 * audited; invoices reconcile against the gateway's cost with an exact variance.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertTeam } from "@/db/queries/teams";
import { insertUsageRows, type UsageRow } from "@/db/queries/usage-ledger";
import { percentOf, reconciliationFor, recordInvoice } from "@/server/admin/invoices";
import { closePeriod, reopenPeriod } from "@/server/admin/period-close";
import { firstOpenMonthAfter } from "@/server/admin/period-adjustments";
import { usageReportFor } from "@/server/admin/reports";
import type { Actor } from "@/server/admin/service-result";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let finance: Actor;
let owner: Actor;
let teamId: string;
const now = new Date("2026-12-07T12:00:00Z");

function row(id: string, at: string, cost: string, overrides: Partial<UsageRow> = {}): UsageRow {
  return { id, orgId: finance.orgId, teamId, provider: "openai", endpoint: "/v1/chat/completions", status: "success", httpStatus: 200, latencyMs: 1, inputTokens: 10, outputTokens: 5, costUsd: cost, startedAt: new Date(at), endedAt: new Date(at), ...overrides };
}

beforeAll(async () => {
  database = await createTestDatabase();
  const orgId = await ensureDefaultOrg(database.handle.db);
  finance = { orgId, id: "user:finance", role: "finance" };
  owner = { orgId, id: "user:owner", role: "owner" };
  teamId = (await insertTeam(database.handle.db, { orgId, name: "Research" })).id;
  await insertUsageRows(database.handle.db, [
    row("nov_1", "2026-11-03T10:00:00Z", "1.250000000001"),
    row("nov_2", "2026-11-20T10:00:00Z", "2.000000000002", { provider: "anthropic", teamId: null }),
    row("dec_1", "2026-12-02T10:00:00Z", "0.500000000000"),
  ]);
});
afterAll(async () => database?.drop());

async function report(month: string) {
  const result = await usageReportFor(database.handle.db, finance, { month, group_by: "team" });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe("period close", () => {
  test("finance closes November; a month that has not ended cannot be closed", async () => {
    const closed = await closePeriod(database.handle.db, finance, "2026-11", now);
    expect(closed).toMatchObject({ ok: true, value: { month: "2026-11", costUsd: "3.250000000003", requests: 2, timeZone: "UTC", closedBy: "user:finance" } });
    expect(await closePeriod(database.handle.db, finance, "2026-11", now)).toEqual({ ok: false, error: { code: "conflict", message: "2026-11 is closed already." } });
    expect(await closePeriod(database.handle.db, finance, "2026-12", now)).toEqual({ ok: false, error: { code: "invalid", message: "2026-12 has not ended yet in UTC; close it once it has.", field: "month" } });
    expect(await closePeriod(database.handle.db, { ...finance, role: "viewer" }, "2026-10", now)).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  test("a late November row leaves November frozen and shows as an adjustment in December", async () => {
    await insertUsageRows(database.handle.db, [row("nov_late", "2026-11-29T23:00:00Z", "0.100000000007")]);
    const november = await report("2026-11");
    expect(november.totals.costUsd).toBe("3.250000000003");
    expect(november.close).toMatchObject({ frozenCostUsd: "3.250000000003", lateCostUsd: "0.100000000007", adjustmentMonth: "2026-12" });
    const december = await report("2026-12");
    expect(december.groups.filter((group) => group.adjustmentFor === "2026-11")).toEqual([expect.objectContaining({ key: teamId, name: "Research", costUsd: "0.100000000007", requests: 1 })]);
    // December's ledger (0.5) plus November's late row, to the picodollar.
    expect(december.totals.costUsd).toBe("0.600000000007");
    expect(december.totals.requests).toBe(2);
  });

  test("only an owner reopens; both changes are audited; the reopened month reads the live ledger again", async () => {
    expect(await reopenPeriod(database.handle.db, finance, "2026-11")).toEqual({ ok: false, error: { code: "forbidden", message: "Only an owner can reopen a closed period." } });
    expect(await reopenPeriod(database.handle.db, owner, "2026-11")).toMatchObject({ ok: true, value: { month: "2026-11", reopenedBy: "user:owner" } });
    expect(await reopenPeriod(database.handle.db, owner, "2026-11")).toEqual({ ok: false, error: { code: "not_found", message: "2026-11 is not closed." } });
    const audit = await executeRows<{ action: string; actor: string; target_id: string }>(database.handle.db, sql`select action, actor, target_id from audit_log order by id`);
    expect(audit).toEqual([
      { action: "period.close", actor: "user:finance", target_id: "2026-11" },
      { action: "period.reopen", actor: "user:owner", target_id: "2026-11" },
    ]);
    expect((await report("2026-11")).totals.costUsd).toBe("3.350000000010");
    expect((await report("2026-11")).close).toBeNull();
    expect((await report("2026-12")).totals.costUsd).toBe("0.500000000000");
    // Closing again freezes the new total.
    expect(await closePeriod(database.handle.db, finance, "2026-11", now)).toMatchObject({ ok: true, value: { costUsd: "3.350000000010", requests: 3 } });
  });

  test("adjustments skip closed months: they land in the first open one", () => {
    expect(firstOpenMonthAfter("2026-10", new Set(["2026-10", "2026-11", "2026-12"]))).toBe("2027-01");
    expect(firstOpenMonthAfter("2026-12", new Set())).toBe("2027-01");
  });
});

describe("invoice reconciliation", () => {
  test("variance per provider, exact, against the frozen month", async () => {
    expect(await recordInvoice(database.handle.db, finance, { month: "2026-11", provider: "openai", total_usd: "1.40" })).toMatchObject({ ok: true });
    // Entering it again replaces the total.
    expect(await recordInvoice(database.handle.db, finance, { month: "2026-11", provider: "openai", total_usd: "1.45", invoice_number: "INV-42" })).toMatchObject({ ok: true, value: { totalUsd: "1.450000000000" } });
    expect(await recordInvoice(database.handle.db, finance, { month: "2026-11", provider: "mistral", total_usd: "3" })).toMatchObject({ ok: true });
    const result = await reconciliationFor(database.handle.db, finance, "2026-11");
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.isClosed).toBe(true);
    expect(result.value.lines).toEqual([
      { provider: "anthropic", gatewayCostUsd: "2.000000000002", requests: 1, invoice: null, varianceUsd: null, variancePercent: null },
      { provider: "mistral", gatewayCostUsd: "0.000000000000", requests: 0, invoice: expect.objectContaining({ totalUsd: "3.000000000000" }), varianceUsd: "3.000000000000", variancePercent: null },
      // 1.45 − 1.350000000008 = 0.099999999992, 7.41% of the gateway's cost.
      { provider: "openai", gatewayCostUsd: "1.350000000008", requests: 2, invoice: expect.objectContaining({ invoiceNumber: "INV-42" }), varianceUsd: "0.099999999992", variancePercent: "7.41" },
    ]);
  });

  test.each([
    [1n, 3n, "33.33"],
    [2n, 3n, "66.67"],
    [-1n, 8n, "-12.50"],
    [0n, 5n, "0.00"],
    [5n, 0n, null],
  ])("percentOf(%s, %s) = %s", (variance, base, expected) => {
    expect(percentOf(variance, base)).toBe(expected);
  });
});
