/**
 * Budgets in the pipeline, on the real PostgreSQL: reservations by modelgate_reserve_budgets, settlement by the
 * ledger insert, the sweeper. Three gateways share one database (three connection pools, as three replicas would)
 * and write their ledger rows through real UsageWriters.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { executeRows, openDatabase, type DatabaseHandle } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { insertUsageRows } from "@/db/queries/usage-ledger";
import { leaseBudgets, sweepExpiredReservations } from "@/db/queries/budgets";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import type { BudgetEntry } from "../budget/applicable";
import { processBudgetAlerts, signWebhook } from "../budget/alerts";
import type { LeaseOptions } from "../budget/leases";
import { createDatabaseBudgetStore } from "../budget/sweeper";
import { UsageWriter } from "../usage-writer";
import { makeKey, makeModel, ORG, postJson, readSse, startTestGateway } from "./harness";

type Gateway = Awaited<ReturnType<typeof startTestGateway>>;
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fake: FakeUpstream;
const pools: DatabaseHandle[] = [];
const writers: UsageWriter[] = [];
const gateways: Gateway[] = [];
const stores: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await executeRows(database.handle.db, sql`insert into organizations (id, name, slug) values (${ORG}, 'Budget org', 'budget-org')`);
  fake = await startFakeOpenAI();
});
afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  for (const writer of writers) await writer.stop(5000);
  for (const store of stores) await store.stop();
  for (const pool of pools) await pool.close();
  await fake?.close();
  await database?.drop();
});

async function createBudget(values: { scope: BudgetEntry["scope"]; scopeId: string | null; limitUsd: string; period?: BudgetEntry["period"]; model?: string | null }): Promise<BudgetEntry> {
  const [row] = await executeRows<{ id: string }>(
    database.handle.db,
    sql`insert into budgets (org_id, scope, scope_id, model, period, limit_usd) values (${ORG}, ${values.scope}, ${values.scopeId}, ${values.model ?? null}, ${values.period ?? "monthly"}, ${values.limitUsd}) returning id`,
  );
  return { id: row.id, orgId: ORG, scope: values.scope, scopeId: values.scopeId, model: values.model ?? null, period: values.period ?? "monthly", limitUsd: values.limitUsd };
}

/** Slices sized for `requestsPerSlice` requests, given back after 200 ms idle; 0: per-request reservations. */
function leaseOptions(requestsPerSlice: number): LeaseOptions {
  return { requestsPerSlice, idleReturnMs: 200, ttlMs: 120_000, renewEveryMs: 30_000, holdTtlMs: 60_000 };
}

/** A gateway replica with its own pool, ledger writer and budget store on the shared test database. */
async function replica(keys: ReturnType<typeof makeKey>[], budgets: BudgetEntry[], requestsPerSlice = 0): Promise<Gateway> {
  const pool = await openDatabase({ databaseUrl: database.url, max: 5 });
  pools.push(pool);
  const writer = new UsageWriter({ write: async (rows) => void (await insertUsageRows(pool.db, rows)), intervalMs: 20 });
  writer.start();
  writers.push(writer);
  const store = createDatabaseBudgetStore(pool.db, leaseOptions(requestsPerSlice));
  stores.push(store);
  const gateway = await startTestGateway({
    keys: keys.map((key) => key.entry),
    models: [makeModel("mini", "openai", `${fake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini")],
    budgets,
    budgetStore: store,
    usage: writer,
  });
  gateways.push(gateway);
  return gateway;
}

async function counter(budgetId: string) {
  const [row] = await executeRows<{ spent: string; reserved: string }>(database.handle.db, sql`select spent::text, reserved::text from budget_counters where budget_id = ${budgetId}`);
  return row;
}

async function ledgerSum(keyId: string) {
  const [row] = await executeRows<{ total: string; rows: number }>(database.handle.db, sql`select coalesce(sum(cost_usd), 0)::text as total, count(*)::int as rows from usage_ledger where key_id = ${keyId}`);
  return row;
}

async function settled(gatewaysToFlush: Gateway[], expectedRows: number, keyId: string) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    await Promise.all(writers.map((writer) => writer.flush(true)));
    if ((await ledgerSum(keyId)).rows >= expectedRows && gatewaysToFlush.every((gateway) => gateway.rows.length > 0 || expectedRows === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// 40 characters of text: its worst-case input (48 tokens) bounds the fake's reported 21 prompt tokens from above.
const prompt = "x".repeat(40);
const micros = (usd: string) => Math.round(Number(usd) * 1e6 * 1e6) / 1e6;

describe.each([
  ["per-request reservations", 0],
  // Slices of 2 requests: granted while ≤ ¼ of what remains, so the run starts leased and ends per request.
  ["leased slices", 2],
])("budgets (PostgreSQL, three replicas, %s)", (_mode, requestsPerSlice) => {
  test("200 parallel requests (stream and not, some aborted) never spend past the budget and leave nothing reserved", async () => {
    const key = makeKey();
    // The fake bills 21 input + 7 output tokens per call: $0.00000735 at 0.15 / 0.60 per million. 40 calls' worth.
    const budget = await createBudget({ scope: "key", scopeId: key.entry.id, limitUsd: "0.000294" });
    const replicas = await Promise.all([0, 1, 2].map(() => replica([key], [budget], requestsPerSlice)));
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, async (_, index) => {
        const gateway = replicas[index % 3];
        const stream = index % 2 === 0;
        const abort = new AbortController();
        const response = await postJson(`${gateway.url}/v1/chat/completions`, key.token, { model: "mini", max_tokens: 10, stream, messages: [{ role: "user", content: prompt }] }, abort.signal).catch(() => null);
        if (!response) return "aborted";
        if (response.status === 429) {
          const body = await response.json();
          // Exhausted, or what remains is held by requests in flight (retry shortly).
          const expected = body.error.code === "budget_held"
            ? { type: "insufficient_quota", message: "This key's monthly budget is nearly used, and what remains is held by requests in flight or still settling. Retry shortly." }
            : { type: "insufficient_quota", code: "budget_exceeded", message: "This key's monthly budget is exhausted." };
          expect(body.error).toMatchObject(expected);
          return "refused";
        }
        expect(response.status).toBe(200);
        if (stream && index % 4 === 0) {
          // Abort mid-stream after the first bytes.
          const reader = response.body!.getReader();
          await reader.read();
          abort.abort();
          await reader.cancel().catch(() => {});
          return "aborted";
        }
        if (stream) await readSse(response);
        else await response.json();
        return "served";
      }),
    );
    const refused = outcomes.filter((outcome) => outcome === "refused").length;
    const charges = replicas.flatMap((gateway) => gateway.rows.filter((row) => row.keyId === key.entry.id).flatMap((row) => row.budgetCharges ?? []));
    // With slices, the run used both paths: leased while far from the limit, per request near it.
    if (requestsPerSlice > 0) expect([charges.some((charge) => charge.lease), charges.some((charge) => !charge.lease)]).toEqual([true, true]);
    else expect(charges.some((charge) => charge.lease)).toBe(false);
    expect(refused).toBeGreaterThan(0);
    const admitted = 200 - refused;
    await settled(replicas, admitted, key.entry.id);
    const ledger = await ledgerSum(key.entry.id);
    // Refused requests are recorded too (at $0): every authenticated request has exactly one row.
    expect(ledger.rows).toBe(200);
    // Leased slices go back once idle (200 ms here); nothing stays reserved.
    const deadline = Date.now() + 10_000;
    while ((await counter(budget.id)).reserved !== "0.000000000000" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const state = await counter(budget.id);
    // Spent is exactly the ledger's total for the key, nothing stays reserved, and no reservation row is left.
    expect(state.spent).toBe(Number(ledger.total).toFixed(12));
    expect(state.reserved).toBe("0.000000000000");
    const [left] = await executeRows<{ n: number }>(database.handle.db, sql`select count(*)::int as n from budget_reservations`);
    expect(left.n).toBe(0);
    const [leased] = await executeRows<{ amount: string }>(database.handle.db, sql`select coalesce(sum(amount), 0)::text as amount from budget_leases where budget_id = ${budget.id}`);
    expect(Number(leased.amount)).toBe(0);
    // The bound: every request set max_tokens and its full reservation ($0.0000132) covers its actual cost; at most
    // one reservation is ever capped at what remained, so spend passes the limit by less than one request's cost.
    expect(micros(state.spent)).toBeLessThan(294 + 7.35);
    // No phantom exhaustion: requests sent one at a time afterwards use the budget up to within one request of
    // its limit, and the refusal that ends them says exhausted (nothing is left held).
    let last = 0;
    for (let sent = 0; sent < 10; sent++) {
      const response = await postJson(`${replicas[sent % 3].url}/v1/chat/completions`, key.token, { model: "mini", max_tokens: 10, messages: [{ role: "user", content: prompt }] });
      last = response.status;
      const body = await response.json();
      if (response.status === 429) {
        expect(body.error.code).toBe("budget_exceeded");
        break;
      }
      await settled(replicas, admitted + sent + 1, key.entry.id);
    }
    expect(last).toBe(429);
    const final = await counter(budget.id);
    expect(micros(final.spent)).toBeGreaterThan(294 - 13.2);
    expect(micros(final.spent)).toBeLessThan(294 + 7.35);
    expect(final.spent).toBe(Number((await ledgerSum(key.entry.id)).total).toFixed(12));
  }, 60_000);

  test("a retried ledger batch settles once", async () => {
    const key = makeKey();
    const budget = await createBudget({ scope: "key", scopeId: key.entry.id, limitUsd: "1" });
    const gateway = await replica([key], [budget], requestsPerSlice);
    const response = await postJson(`${gateway.url}/v1/chat/completions`, key.token, { model: "mini", max_tokens: 10, messages: [{ role: "user", content: prompt }] });
    expect(response.status).toBe(200);
    await response.json();
    await settled([gateway], 1, key.entry.id);
    const row = gateway.rows.find((candidate) => candidate.keyId === key.entry.id)!;
    expect(row.budgetCharges).toHaveLength(1);
    expect(row.budgetCharges![0].lease !== undefined).toBe(requestsPerSlice > 0);
    const before = await counter(budget.id);
    expect(before.spent).toBe("0.000007350000");
    // The same row again (a batch whose acknowledgement was lost): skipped, and the budget is not charged twice.
    expect(await insertUsageRows(database.handle.db, [row])).toBe(0);
    expect(await counter(budget.id)).toEqual(before);
    // Once the slice's unused part is back, nothing is reserved.
    const deadline = Date.now() + 5_000;
    while ((await counter(budget.id)).reserved !== "0.000000000000" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await counter(budget.id)).toEqual({ spent: "0.000007350000", reserved: "0.000000000000" });
  });
});

describe("budgets (PostgreSQL)", () => {

  test("a reservation whose replica died is freed by the sweeper after it expires; spent is untouched", async () => {
    const key = makeKey();
    const budget = await createBudget({ scope: "key", scopeId: key.entry.id, limitUsd: "1" });
    const store = createDatabaseBudgetStore(database.handle.db);
    const period = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
    const reserved = await store.reserve("req_dead_replica", [{ budgetId: budget.id, periodStart: period, amount: "0.25" }], new Date(Date.now() - 1));
    expect(reserved).toEqual({ ok: true, reserved: [{ budgetId: budget.id, amount: "0.25" }] });
    expect(await counter(budget.id)).toEqual({ spent: "0.000000000000", reserved: "0.250000000000" });
    expect(await sweepExpiredReservations(database.handle.db)).toBe(1);
    expect(await counter(budget.id)).toEqual({ spent: "0.000000000000", reserved: "0.000000000000" });
    // Sweeping again frees nothing twice.
    expect(await sweepExpiredReservations(database.handle.db)).toBe(0);
  });

  test("a slice is granted only while it is at most a quarter of what remains, and freed by the sweeper once its replica stops renewing it", async () => {
    const budget = await createBudget({ scope: "org", scopeId: null, limitUsd: "2", period: "lifetime" });
    const period = new Date(0);
    const granted = await leaseBudgets(database.handle.db, "lease_dead_replica", [{ budgetId: budget.id, periodStart: period, want: "0.5" }], new Date(Date.now() - 1));
    expect(Number(granted.get(budget.id))).toBe(0.5);
    // More than a quarter of what remains ($1.50): nothing granted, nothing more reserved.
    const none = await leaseBudgets(database.handle.db, "lease_other", [{ budgetId: budget.id, periodStart: period, want: "0.375000000001" }], new Date(Date.now() + 60_000));
    expect(Number(none.get(budget.id))).toBe(0);
    expect(await counter(budget.id)).toEqual({ spent: "0.000000000000", reserved: "0.500000000000" });
    expect(await sweepExpiredReservations(database.handle.db)).toBe(1);
    expect(await counter(budget.id)).toEqual({ spent: "0.000000000000", reserved: "0.000000000000" });
    await executeRows(database.handle.db, sql`delete from budgets where id = ${budget.id}`);
  });

  test("all or nothing: one exhausted budget refuses the request and reserves nothing on the others", async () => {
    const key = makeKey();
    const roomy = await createBudget({ scope: "key", scopeId: key.entry.id, limitUsd: "1" });
    const full = await createBudget({ scope: "model", scopeId: "mini", limitUsd: "0.000001" });
    await executeRows(database.handle.db, sql`insert into budget_counters (budget_id, period_start, spent) values (${full.id}, date_trunc('month', now() at time zone 'utc') at time zone 'utc', 0.000001)`);
    const gateway = await replica([key], [roomy, full]);
    const response = await postJson(`${gateway.url}/v1/chat/completions`, key.token, { model: "mini", max_tokens: 10, messages: [{ role: "user", content: prompt }] });
    expect(response.status).toBe(429);
    expect((await response.json()).error.message).toBe("This model's monthly budget is exhausted.");
    expect(fake.received.filter((request) => JSON.stringify(request.body).includes(key.entry.id)).length).toBe(0);
    expect(await counter(roomy.id)).toBeUndefined();
    await gateway.close();
    gateways.splice(gateways.indexOf(gateway), 1);
    await executeRows(database.handle.db, sql`delete from budgets where id = ${full.id}`);
  });

  test("alert thresholds fire once per period each, to a signed webhook, retried when it fails", async () => {
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    let failFirst = 1;
    const hook = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        received.push({ headers: request.headers, body });
        response.statusCode = failFirst-- > 0 ? 500 : 204;
        response.end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hooks/budget`;
    try {
      const options = { signingSecret: "whsec-test-0123456789", allowPrivateHosts: "127.0.0.1", backoffMs: [0, 20, 20] };
      await processBudgetAlerts(database.handle.db, options); // the earlier tests' budgets' thresholds (no webhook)
      const key = makeKey();
      const budget = await createBudget({ scope: "key", scopeId: key.entry.id, limitUsd: "0.00001" });
      await executeRows(database.handle.db, sql`update budgets set alert_thresholds = '[0.5, 1]'::jsonb, webhook_url = ${url} where id = ${budget.id}`);
      const gateway = await replica([key], [budget]);
      const response = await postJson(`${gateway.url}/v1/chat/completions`, key.token, { model: "mini", max_tokens: 10, messages: [{ role: "user", content: prompt }] });
      await response.json();
      await settled([gateway], 1, key.entry.id);
      // $0.00000735 of $0.00001: 50 % reached, 100 % not.
      expect(await processBudgetAlerts(database.handle.db, options)).toBe(1);
      expect(await processBudgetAlerts(database.handle.db, options)).toBe(0);
      expect(received).toHaveLength(2); // a 500, then the retry answered 204
      const delivered = received[1];
      expect(delivered.headers["x-modelgate-signature"]).toBe(signWebhook(options.signingSecret, String(delivered.headers["x-modelgate-timestamp"]), delivered.body));
      expect(JSON.parse(delivered.body)).toMatchObject({ type: "budget.threshold_reached", threshold: 0.5, spent_usd: "0.000007350000", budget: { id: budget.id, scope: "key", period: "monthly", limit_usd: "0.000010000000" } });
      const [alert] = await executeRows<{ delivery_status: string; attempts: { status: number }[] }>(database.handle.db, sql`select delivery_status, attempts from budget_alerts where budget_id = ${budget.id}`);
      expect(alert.delivery_status).toBe("delivered");
      expect(alert.attempts.map((attempt) => attempt.status)).toEqual([500, 204]);
    } finally {
      await new Promise((resolve) => hook.close(resolve));
    }
  });
});
