/**
 * A closed month's FOCUS export is the close, not the live ledger (README "Period close"), on the real PostgreSQL:
 * the close records which charged rows it counted (period_close_requests), so a row recorded for the month later
 * leaves its file byte for byte as it was and is exported in the next open month as a correction (ChargeClass
 * "Correction", x_AdjustmentFor), whose total then matches that month's CSV report to the picodollar.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertTeam } from "@/db/queries/teams";
import { insertUsageRows, type UsageRow } from "@/db/queries/usage-ledger";
import { closePeriod } from "@/server/admin/period-close";
import { focusCsvFor, reportCsvFor } from "@/server/admin/report-exports";
import type { Actor } from "@/server/admin/service-result";
import { decimalToPicos, picosToDecimal } from "@/server/gateway/pricing";
import { parseCsv } from "./parse-csv";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let finance: Actor;
let teamId: string;
const now = new Date("2026-12-07T12:00:00Z");

function row(id: string, at: string, cost: string, overrides: Partial<UsageRow> = {}): UsageRow {
  return { id, orgId: finance.orgId, teamId, provider: "openai", endpoint: "/v1/chat/completions", status: "success", httpStatus: 200, latencyMs: 1, inputTokens: 10, outputTokens: 5, costUsd: cost, startedAt: new Date(at), endedAt: new Date(at), ...overrides };
}

async function focus(month: string) {
  const result = await focusCsvFor(database.handle.db, finance, { month, group_by: "team" });
  if (!result.ok) throw new Error(result.error.message);
  const text = await new Response(result.value.stream).text();
  return { text, records: parseCsv(text), expected: Number(result.value.headers["x-ledger-rows"]) };
}

const sum = (records: Record<string, string>[]) => picosToDecimal(records.reduce((total, record) => total + decimalToPicos(record.BilledCost), 0n));

beforeAll(async () => {
  database = await createTestDatabase();
  const orgId = await ensureDefaultOrg(database.handle.db);
  finance = { orgId, id: "user:finance", role: "finance" };
  teamId = (await insertTeam(database.handle.db, { orgId, name: "Research", costCentre: "cc-before" })).id;
  await insertUsageRows(database.handle.db, [
    row("nov_1", "2026-11-03T10:00:00Z", "1.250000000001"),
    row("nov_2", "2026-11-20T10:15:00Z", "2.000000000002", { provider: "anthropic", teamId: null }),
    // Not charged (no tokens, no cost): counted in the close's totals, never a FOCUS row.
    row("nov_refused", "2026-11-21T10:00:00Z", "0", { inputTokens: 0, outputTokens: 0, status: "error", httpStatus: 429 }),
    row("dec_1", "2026-12-02T10:00:00Z", "0.500000000000"),
  ]);
  expect(await closePeriod(database.handle.db, finance, "2026-11", now)).toMatchObject({ ok: true, value: { requestsFrozen: true, requests: 3 } });
});
afterAll(async () => database?.drop());

test("the close records the charged rows it counted, with the tag they were frozen under", async () => {
  const frozen = await executeRows<{ request_id: string; tag: string | null }>(database.handle.db, sql`select request_id, tag from period_close_requests order by request_id`);
  expect(frozen).toEqual([
    { request_id: "nov_1", tag: "cc-before" },
    { request_id: "nov_2", tag: null },
  ]);
});

test("a late row and a changed cost centre leave the closed month's FOCUS file unchanged", async () => {
  const before = await focus("2026-11");
  expect(new Set(before.records.map((record) => record.x_RequestId))).toEqual(new Set(["nov_1", "nov_2"]));
  expect(sum(before.records)).toBe("3.250000000003");
  await executeRows(database.handle.db, sql`update teams set cost_centre = 'cc-after' where id = ${teamId}`);
  await insertUsageRows(database.handle.db, [row("nov_late", "2026-11-29T23:30:00Z", "0.100000000007")]);
  const after = await focus("2026-11");
  expect(after.text).toBe(before.text);
  expect(after.expected).toBe(2);
  expect(JSON.parse(after.records.find((record) => record.x_RequestId === "nov_1")!.Tags)).toMatchObject({ cost_centre: "cc-before" });
  expect(after.records.every((record) => record.ChargeClass === "" && record.x_AdjustmentFor === "")).toBe(true);
});

test("the late row is a correction in December's FOCUS file, which sums to December's CSV total", async () => {
  const december = await focus("2026-12");
  expect(december.expected).toBe(2);
  const own = december.records.filter((record) => record.x_RequestId === "dec_1");
  const late = december.records.filter((record) => record.x_RequestId === "nov_late");
  expect(own.length).toBeGreaterThan(0);
  expect(own.every((record) => record.ChargeClass === "" && record.BillingPeriodStart === "2026-12-01T00:00:00Z")).toBe(true);
  expect(late.length).toBeGreaterThan(0);
  for (const record of late) {
    expect(record).toMatchObject({ ChargeClass: "Correction", x_AdjustmentFor: "2026-11", BillingPeriodStart: "2026-12-01T00:00:00Z", BillingPeriodEnd: "2027-01-01T00:00:00Z", ChargePeriodStart: "2026-11-29T23:00:00Z" });
  }
  expect(sum(late)).toBe("0.100000000007");
  const csv = await reportCsvFor(database.handle.db, finance, { month: "2026-12", group_by: "team" });
  if (!csv.ok) throw new Error(csv.error.message);
  const rows = parseCsv(await new Response(csv.value.stream).text());
  expect(rows.find((record) => record.row_type === "adjustment")).toMatchObject({ adjustment_for: "2026-11", cost_usd: "0.100000000007" });
  expect(rows.find((record) => record.row_type === "total")!.cost_usd).toBe(sum(december.records));
  expect(sum(december.records)).toBe("0.600000000007");
});

test("a close made before rows were frozen still exports the live ledger's rows of the month", async () => {
  await executeRows(database.handle.db, sql`update period_closes set requests_frozen = false`);
  const november = await focus("2026-11");
  expect(new Set(november.records.map((record) => record.x_RequestId))).toEqual(new Set(["nov_1", "nov_2", "nov_late"]));
  await executeRows(database.handle.db, sql`update period_closes set requests_frozen = true`);
});
