/**
 * Billed attempts of a routed request, on the real PostgreSQL (README "Model groups and routing", Billing): an earlier
 * attempt the provider billed is its own child row (parent_id = the request), priced at its own deployment's price and
 * charged to the budgets, with the provider's usage when it reported any and the prompt estimated otherwise; attempts
 * the provider refused (a 500) get none; nothing is recorded twice, and the sums are exact.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { insertUsageRows } from "@/db/queries/usage-ledger";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { ROUTING_FAKE_API_KEY, startRoutingFake } from "@/e2e/fakes/routing-fake";
import type { BudgetEntry } from "../budget/applicable";
import { createDatabaseBudgetStore } from "../budget/sweeper";
import { picosToDecimal } from "../pricing";
import { groupDefinitionSchema } from "../routing/group-schema";
import { RoutingState } from "../routing/routing-state";
import { UsageWriter } from "../usage-writer";
import { makeKey, makeModel, ORG, startTestGateway } from "./harness";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let writer: UsageWriter;
let store: ReturnType<typeof createDatabaseBudgetStore>;
let budget: BudgetEntry;
const key = makeKey();

// Every model at $1 input and $2 output per 1M tokens: the fake's 21 + 7 tokens cost 35 µ$.
function model(name: string, upstream: string, output = "2") {
  const entry = makeModel(name, "openai", `${fake.url}/v1`, ROUTING_FAKE_API_KEY, upstream);
  return { ...entry, prices: [{ ...entry.prices[0], inputPerMtok: "1", outputPerMtok: output, cachedInputPerMtok: null }] };
}
const group = (name: string, definition: unknown) => ({ id: crypto.randomUUID(), orgId: ORG, name, version: 1, definition: groupDefinitionSchema.parse(definition) });
const pair = (first: string, second: string) => [
  { id: "first", model: first, priority: 0 },
  { id: "second", model: second, priority: 1 },
];

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.handle.db;
  await executeRows(db, sql`insert into organizations (id, name, slug) values (${ORG}, 'Attempts org', 'attempts-org')`);
  const [row] = await executeRows<{ id: string }>(db, sql`insert into budgets (org_id, scope, scope_id, period, limit_usd) values (${ORG}, 'key', ${key.entry.id}, 'monthly', '10') returning id`);
  budget = { id: row.id, orgId: ORG, scope: "key", scopeId: key.entry.id, model: null, period: "monthly", limitUsd: "10" };
  fake = await startRoutingFake();
  writer = new UsageWriter({ write: async (rows) => void (await insertUsageRows(db, rows)), intervalMs: 20 });
  writer.start();
  store = createDatabaseBudgetStore(db);
  const models = [model("usagefail", "usagefail-a"), model("healthy", "ok-b"), model("filtered", "filter-c", "3"), model("slow", "slow-d"), model("broken", "fail-e")];
  const groups = [
    group("billed", { strategy: "priority", deployments: pair("usagefail", "healthy") }),
    group("guarded", { strategy: "priority", deployments: pair("filtered", "healthy"), fallback_on: { content_filter: true } }),
    group("timed", { strategy: "priority", deployments: pair("slow", "healthy"), timeouts: { total_ms: 300 } }),
    group("refused", { strategy: "priority", deployments: pair("broken", "healthy") }),
    group("all-timed", { strategy: "priority", deployments: [{ id: "only", model: "slow" }], retry: { max_attempts: 1 }, timeouts: { total_ms: 300 } }),
  ];
  gateway = await startTestGateway({ keys: [key.entry], models, groups, routing: new RoutingState(), budgets: [budget], budgetStore: store, usage: writer });
});
afterAll(async () => {
  await gateway?.close();
  await writer?.stop(5000);
  await store?.stop();
  await fake?.close();
  await database?.drop();
});

type LedgerRow = {
  id: string;
  parent_id: string | null;
  status: string;
  http_status: number;
  served_model: string | null;
  provider: string | null;
  error_kind: string | null;
  input_tokens: number;
  output_tokens: number;
  tokens_estimated: boolean;
  cost_usd: string;
  upstream_attempts: number;
};
async function rowsOf(requestId: string, expected: number): Promise<LedgerRow[]> {
  const read = () =>
    executeRows<LedgerRow>(
      database.handle.db,
      sql`select id, parent_id, status, http_status, served_model, provider, error_kind, input_tokens, output_tokens, tokens_estimated, cost_usd::text, upstream_attempts
          from usage_ledger where id = ${requestId} or parent_id = ${requestId} order by parent_id nulls first, started_at`,
    );
  const deadline = Date.now() + 10_000;
  while ((await read()).length < expected && Date.now() < deadline) {
    await writer.flush(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  // Settled rows only: a later flush adds nothing (each row is queued once; a retried batch is ON CONFLICT DO NOTHING).
  await new Promise((resolve) => setTimeout(resolve, 100));
  await writer.flush(true);
  return read();
}
async function sumOf(requestId: string): Promise<string> {
  const [row] = await executeRows<{ total: string }>(database.handle.db, sql`select sum(cost_usd)::text as total from usage_ledger where id = ${requestId} or parent_id = ${requestId}`);
  return row.total;
}
async function chat(model: string, extra: Record<string, unknown> = {}) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json" },
    body: JSON.stringify({ model, max_tokens: 10, messages: [{ role: "user", content: "hi [[wait:3000]]" }], ...extra }),
  });
  return { response, requestId: response.headers.get("x-request-id")!, text: await response.text() };
}

describe("billed attempts of a routed request (PostgreSQL)", () => {
  test("a stream attempt that failed after the provider reported usage is a child row at that usage; the fallback is the request's row; sums exact", async () => {
    const { response, requestId, text } = await chat("billed", { stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-deployment")).toBe("second");
    expect(text).toContain("[DONE]");
    const rows = await rowsOf(requestId, 2);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ id: requestId, parent_id: null, status: "success", served_model: "ok-b", input_tokens: 21, output_tokens: 7, tokens_estimated: false, cost_usd: "0.000035000000", upstream_attempts: 2 });
    expect(rows[1]).toMatchObject({ parent_id: requestId, status: "error", http_status: 502, error_kind: "upstream", served_model: "usagefail-a", provider: "openai", input_tokens: 21, output_tokens: 7, tokens_estimated: false, cost_usd: "0.000035000000", upstream_attempts: 1 });
    expect(await sumOf(requestId)).toBe("0.000070000000");
  });

  test("a refusal passed to the next deployment is billed at its own price and usage", async () => {
    const { response, requestId } = await chat("guarded");
    expect(response.headers.get("x-modelgate-deployment")).toBe("second");
    const rows = await rowsOf(requestId, 2);
    // filtered costs $3 per 1M output tokens: 21 + 21 = 42 µ$.
    expect(rows[1]).toMatchObject({ parent_id: requestId, status: "error", http_status: 200, served_model: "filter-c", input_tokens: 21, output_tokens: 7, tokens_estimated: false, cost_usd: "0.000042000000" });
    expect(await sumOf(requestId)).toBe("0.000077000000");
  });

  test("an attempt timed out while the provider had it is billed for its prompt, estimated; no usage is invented for the output", async () => {
    const { response, requestId } = await chat("timed");
    expect(response.headers.get("x-modelgate-deployment")).toBe("second");
    const rows = await rowsOf(requestId, 2);
    expect(rows).toHaveLength(2);
    const attempt = rows[1];
    expect(attempt).toMatchObject({ parent_id: requestId, status: "error", http_status: 504, error_kind: "timeout", served_model: "slow-d", output_tokens: 0, tokens_estimated: true });
    expect(attempt.input_tokens).toBeGreaterThan(0);
    expect(attempt.cost_usd).toBe(picosToDecimal(BigInt(attempt.input_tokens) * 1_000_000n));
  });

  test("when every attempt failed, the billed ones are child rows and the request's own row costs nothing", async () => {
    const { response, requestId } = await chat("all-timed");
    expect(response.status).toBe(504);
    const rows = await rowsOf(requestId, 2);
    expect(rows.map((row) => [row.parent_id === null, row.status, row.tokens_estimated])).toEqual([
      [true, "error", false],
      [false, "error", true],
    ]);
    expect(rows[0].cost_usd).toBe("0.000000000000");
  });

  test("an attempt the provider answered with a 500 did no billable work: no child row", async () => {
    const { response, requestId } = await chat("refused");
    expect(response.headers.get("x-modelgate-deployment")).toBe("second");
    const rows = await rowsOf(requestId, 1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ upstream_attempts: 2, cost_usd: "0.000035000000" });
  });

  test("the key's budget has spent exactly what its rows cost, attempts included, and holds nothing back", async () => {
    await writer.flush(true);
    const [ledger] = await executeRows<{ total: string }>(database.handle.db, sql`select sum(cost_usd)::text as total from usage_ledger where key_id = ${key.entry.id}`);
    const [counter] = await executeRows<{ spent: string; reserved: string }>(database.handle.db, sql`select spent::text, reserved::text from budget_counters where budget_id = ${budget.id}`);
    expect(counter.spent).toBe(ledger.total);
    expect(Number(counter.reserved)).toBe(0);
    const [children] = await executeRows<{ count: number }>(database.handle.db, sql`select count(*)::int as count from usage_ledger where key_id = ${key.entry.id} and parent_id is not null`);
    expect(children.count).toBe(4);
  });
});
