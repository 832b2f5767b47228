import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import { executeRows } from "../client";
import { ensureDefaultOrg } from "../queries/organizations";
import { insertUsageRows, listRequests, overviewTotals, type UsageRow } from "../queries/usage-ledger";
import { createTestDatabase } from "./test-database";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orgId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  orgId = await ensureDefaultOrg(database.handle.db);
});
afterAll(async () => database?.drop());

function row(id: string, startedAt: Date, overrides: Partial<UsageRow> = {}): UsageRow {
  return { id, orgId, endpoint: "/v1/chat/completions", status: "success", httpStatus: 200, latencyMs: 10, startedAt, endedAt: startedAt, costUsd: "0.000007350000", inputTokens: 21, outputTokens: 7, ...overrides };
}

describe("usage ledger", () => {
  test("a retried batch never bills twice", async () => {
    const at = new Date("2026-01-01T00:00:00Z");
    expect(await insertUsageRows(database.handle.db, [row("req_a", at), row("req_b", at)])).toBe(2);
    expect(await insertUsageRows(database.handle.db, [row("req_a", at), row("req_b", at), row("req_c", at)])).toBe(1);
    const [count] = await executeRows<{ n: number }>(database.handle.db, sql`select count(*)::int as n from usage_ledger where id in ('req_a','req_b','req_c')`);
    expect(count.n).toBe(3);
  });

  test("sums are exact decimals", async () => {
    const base = new Date("2026-02-01T00:00:00Z");
    const rows = Array.from({ length: 1000 }, (_, index) => row(`req_sum_${index}`, new Date(base.getTime() + index), { costUsd: "0.000000100000" }));
    await insertUsageRows(database.handle.db, rows);
    const totals = await overviewTotals(database.handle.db, orgId, { from: base, to: new Date(base.getTime() + 1000) });
    expect(totals.requests).toBe(1000);
    // 1000 × 0.0000001 is exactly 0.0001; a float sum would drift.
    expect(totals.costUsd).toBe("0.000100000000");
  });

  test("keyset pagination walks every row once, newest first", async () => {
    const base = new Date("2026-03-01T00:00:00Z");
    // Ten rows sharing two timestamps: the id breaks ties.
    await insertUsageRows(database.handle.db, Array.from({ length: 10 }, (_, index) => row(`req_page_${index}`, new Date(base.getTime() + (index % 2)), { requestedModel: "m-page" })));
    const seen: string[] = [];
    let cursor: { startedAt: Date; id: string } | undefined;
    for (let page = 0; page < 10; page++) {
      const result = await listRequests(database.handle.db, { orgId, model: "m-page" }, { cursor, limit: 3 });
      seen.push(...result.rows.map((entry) => entry.id));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    expect(seen).toHaveLength(10);
    expect(new Set(seen).size).toBe(10);
    expect(seen.slice(0, 5).every((id) => Number(id.split("_")[2]) % 2 === 1)).toBe(true);
  });

  test("filters by status and time", async () => {
    const at = new Date("2026-04-01T00:00:00Z");
    await insertUsageRows(database.handle.db, [row("req_f1", at, { status: "error", httpStatus: 502 }), row("req_f2", at)]);
    const errors = await listRequests(database.handle.db, { orgId, status: "error", from: at, to: at }, { limit: 10 });
    expect(errors.rows.map((entry) => entry.id)).toEqual(["req_f1"]);
  });
});
