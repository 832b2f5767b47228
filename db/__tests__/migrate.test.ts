import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { executeRows, openDatabase } from "../client";
import { reserveBudgets } from "../queries/budgets";
import { migrateDatabase } from "../migrate";
import { ensureDefaultOrg } from "../queries/organizations";
import { insertUsageRows } from "../queries/usage-ledger";
import { TEST_SERVER_URL } from "./test-database";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe("migrations", () => {
  test("replicas migrating a fresh PostgreSQL database at once take turns", async () => {
    const name = `modelgate_m_${Date.now().toString(36)}`;
    const admin = postgres(TEST_SERVER_URL, { onnotice: () => {}, max: 1 });
    await admin.unsafe(`create database ${name}`);
    cleanups.push(async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    });
    const url = new URL(TEST_SERVER_URL);
    url.pathname = `/${name}`;
    const replicas = await Promise.all([1, 2, 3].map(() => openDatabase({ databaseUrl: url.toString(), max: 2 })));
    await Promise.all(replicas.map((replica) => migrateDatabase(replica)));
    const [row] = await executeRows<{ n: number }>(replicas[0].db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    expect(row.n).toBeGreaterThan(0);
    await Promise.all(replicas.map((replica) => replica.close()));
  });

  test("the embedded default (PGlite in a data folder) migrates, stores and reopens", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "modelgate-pglite-"));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const first = await openDatabase({ dataDir });
    expect(first.raw.driver).toBe("pglite");
    await migrateDatabase(first);
    const orgId = await ensureDefaultOrg(first.db);
    const now = new Date();
    await insertUsageRows(first.db, [{ id: "req_pglite", orgId, endpoint: "/v1/chat/completions", status: "success", httpStatus: 200, latencyMs: 1, startedAt: now, endedAt: now, costUsd: "0.000001000000" }]);
    await first.close();

    const second = await openDatabase({ dataDir });
    await migrateDatabase(second);
    const [row] = await executeRows<{ cost_usd: string }>(second.db, sql`select cost_usd::text from usage_ledger where id = 'req_pglite'`);
    expect(row.cost_usd).toBe("0.000001000000");
    await second.close();
  }, 60_000);

  test("budgets work on the embedded default too: a reservation, its settlement by the ledger insert, and a refusal", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "modelgate-pglite-"));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const handle = await openDatabase({ dataDir });
    await migrateDatabase(handle);
    const orgId = await ensureDefaultOrg(handle.db);
    const [budget] = await executeRows<{ id: string }>(handle.db, sql`insert into budgets (org_id, scope, period, limit_usd) values (${orgId}, 'org', 'lifetime', 0.00001) returning id`);
    const period = new Date(0);
    const reserved = await reserveBudgets(handle.db, "req_budget_pglite", [{ budgetId: budget.id, periodStart: period, amount: "0.000004" }], new Date(Date.now() + 60_000));
    expect(reserved).toEqual({ ok: true, reserved: [{ budgetId: budget.id, amount: "0.000004" }] });
    const now = new Date();
    const charges = [{ budget_id: budget.id, period_start: period.toISOString() }];
    await insertUsageRows(handle.db, [{ id: "req_budget_pglite", orgId, endpoint: "/v1/chat/completions", status: "success", httpStatus: 200, latencyMs: 1, startedAt: now, endedAt: now, costUsd: "0.000003000000", budgetCharges: charges }]);
    const [counter] = await executeRows<{ spent: string; reserved: string }>(handle.db, sql`select spent::text, reserved::text from budget_counters where budget_id = ${budget.id}`);
    expect(counter).toEqual({ spent: "0.000003000000", reserved: "0.000000000000" });
    // $0.000007 remain and nothing is in flight: a $0.00002 worst case is capped at the remainder; the next is refused.
    expect(await reserveBudgets(handle.db, "req_capped", [{ budgetId: budget.id, periodStart: period, amount: "0.00002" }], new Date(Date.now() + 60_000))).toEqual({ ok: true, reserved: [{ budgetId: budget.id, amount: "0.000007000000" }] });
    expect(await reserveBudgets(handle.db, "req_refused", [{ budgetId: budget.id, periodStart: period, amount: "0.000001" }], new Date(Date.now() + 60_000))).toEqual({ ok: false, budgetId: budget.id, reason: "exhausted" });
    await handle.close();
  }, 60_000);
});
