import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertUsageRows } from "@/db/queries/usage-ledger";
import { createBudget, listBudgets } from "@/server/admin/budgets";
import { updateOrgSettings } from "@/server/admin/org-settings";
import type { Actor } from "@/server/admin/service-result";
import { periodStart } from "@/server/gateway/budget/periods";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let owner: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
  owner = { orgId: await ensureDefaultOrg(database.handle.db), id: "admin_key:env", role: "owner" };
});
afterAll(async () => database?.drop());

test("budget periods follow the org's time zone; changing it seeds the new period from the ledger", async () => {
  const db = database.handle.db;
  const created = await createBudget(db, owner, { scope: "org", period: "daily", limit_usd: "10" });
  if (!created.ok) throw new Error(created.error.message);
  expect(created.value.period_start).toBe(periodStart("daily", new Date(), "UTC").toISOString());
  // Spend recorded an hour ago counts in the new zone's current day when the zone changes (if that hour is in it).
  const at = new Date(Date.now() - 3_600_000);
  await insertUsageRows(db, [{ id: `req_tz_${Date.now()}`, orgId: owner.orgId, endpoint: "/v1/chat/completions", status: "success", httpStatus: 200, latencyMs: 1, startedAt: at, endedAt: at, costUsd: "0.250000000000" }]);
  expect((await updateOrgSettings(db, owner, { time_zone: "Asia/Kolkata" })).ok).toBe(true);
  const [view] = (await listBudgets(db, owner)).ok ? ((await listBudgets(db, owner)) as { value: { period_start: string; period_end: string | null; spent_usd: string }[] }).value : [];
  const start = periodStart("daily", new Date(), "Asia/Kolkata");
  expect(view.period_start).toBe(start.toISOString());
  // Kolkata is UTC+5:30: its days start at 18:30 UTC.
  expect(view.period_start.slice(11)).toBe("18:30:00.000Z");
  expect(new Date(view.period_end!).getTime() - start.getTime()).toBe(86_400_000);
  const [counter] = await executeRows<{ spent: string }>(db, sql`select spent::text from budget_counters where budget_id = ${created.value.id} and period_start = ${start.toISOString()}::timestamptz`);
  expect(counter.spent).toBe(at >= start ? "0.250000000000" : "0.000000000000");
});
