/**
 * Org prices and provider discounts end to end on the real PostgreSQL: rows written through the admin services,
 * carried by the config snapshot (loadSnapshot), charged by the pipeline at request time (list and effective cost,
 * budgets at the effective cost), never changed by a later edit, and exported as FOCUS rows whose ListCost and
 * EffectiveCost sum to the ledger's list_cost_usd and cost_usd.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { insertModel, insertPrice } from "@/db/queries/models";
import { insertUsageRows, type UsageRow } from "@/db/queries/usage-ledger";
import { listChargeRows } from "@/db/queries/usage-reports";
import { setDiscount, setOrgPrice } from "@/server/admin/org-prices";
import type { Actor } from "@/server/admin/service-result";
import { focusColumns, focusRecordsOf } from "@/server/reports/focus";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import type { BudgetEntry } from "../budget/applicable";
import { createDatabaseBudgetStore } from "../budget/sweeper";
import { loadSnapshot } from "../config/load-snapshot";
import { decimalToPicos } from "../pricing";
import { UsageWriter } from "../usage-writer";
import { makeKey, makeModel, ORG, postJson, startTestGateway } from "./harness";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let fake: FakeUpstream;
let modelId: string;
const closers: (() => Promise<unknown>)[] = [];
const finance: Actor = { orgId: ORG, id: "user:finance", role: "finance" };

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.handle.db;
  await executeRows(db, sql`insert into organizations (id, name, slug) values (${ORG}, 'Prices org', 'prices-org')`);
  fake = await startFakeOpenAI();
  const [connection] = await executeRows<{ id: string }>(db, sql`insert into provider_connections (org_id, kind, name, base_url) values (${ORG}, 'openai', 'OpenAI', ${`${fake.url}/v1`}) returning id`);
  const model = await insertModel(db, { orgId: ORG, name: "mini", connectionId: connection.id, upstreamModel: "gpt-4o-mini" });
  modelId = model.id;
  await insertPrice(db, { modelId, inputPerMtok: "0.15", outputPerMtok: "0.60", cachedInputPerMtok: "0.075", effectiveFrom: new Date(0) });
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await fake?.close();
  await database?.drop();
});

const prompt = "x".repeat(40); // the fake answers 21 input and 7 output tokens

/** A gateway on the snapshot as PostgreSQL has it now, writing its rows to PostgreSQL, with a key budget. */
async function gatewayOnSnapshot(key: ReturnType<typeof makeKey>, budget: BudgetEntry) {
  const snapshot = await loadSnapshot(database.handle.db, Buffer.alloc(32), new Set(["openai"]));
  const loaded = snapshot.models.find((model) => model.id === modelId)!;
  // The fake's connection (its credential), the snapshot's prices.
  const model = { ...loaded, connection: makeModel("mini", "openai", `${fake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini").connection };
  const writer = new UsageWriter({ write: async (rows: UsageRow[]) => void (await insertUsageRows(database.handle.db, rows)), intervalMs: 20 });
  writer.start();
  const gateway = await startTestGateway({ keys: [key.entry], models: [model], budgets: [budget], budgetStore: createDatabaseBudgetStore(database.handle.db), usage: writer });
  closers.push(() => writer.stop(5000), () => gateway.close());
  return { gateway, writer, model };
}

async function ledgerRows(keyId: string) {
  return executeRows<Record<string, string>>(
    database.handle.db,
    sql`select id, cost_usd::text, list_cost_usd::text, price_id::text, org_price_id::text, discount_percent::text from usage_ledger where key_id = ${keyId} order by started_at`,
  );
}

async function send(gateway: { url: string }, writer: UsageWriter, key: ReturnType<typeof makeKey>, expectedRows: number) {
  const response = await postJson(`${gateway.url}/v1/chat/completions`, key.token, { model: "mini", max_tokens: 10, messages: [{ role: "user", content: prompt }] });
  expect(response.status).toBe(200);
  await response.json();
  const deadline = Date.now() + 10_000;
  while ((await ledgerRows(key.entry.id)).length < expectedRows && Date.now() < deadline) {
    await writer.flush(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

describe("org prices and provider discounts (PostgreSQL)", () => {
  test("charged at the org price less the discount in force at request time; a later edit changes nothing recorded; FOCUS shows both", async () => {
    const now = Date.now();
    expect((await setOrgPrice(database.handle.db, finance, modelId, { input: "0.10", output: "0.40", effective_from: new Date(now - 60_000).toISOString() })).ok).toBe(true);
    // Not in force yet: ignored until 2099.
    expect((await setOrgPrice(database.handle.db, finance, modelId, { input: "9", output: "9", effective_from: "2099-01-01T00:00:00Z" })).ok).toBe(true);
    expect((await setDiscount(database.handle.db, finance, { provider: "openai", percent: "10", effective_from: new Date(now - 60_000).toISOString() })).ok).toBe(true);
    // Another provider's discount does not touch openai's models.
    expect((await setDiscount(database.handle.db, finance, { provider: "anthropic", percent: "50" })).ok).toBe(true);

    const key = makeKey();
    const [budgetRow] = await executeRows<{ id: string }>(database.handle.db, sql`insert into budgets (org_id, scope, scope_id, period, limit_usd) values (${ORG}, 'key', ${key.entry.id}, 'monthly', '1') returning id`);
    const budget: BudgetEntry = { id: budgetRow.id, orgId: ORG, scope: "key", scopeId: key.entry.id, model: null, period: "monthly", limitUsd: "1" };

    const first = await gatewayOnSnapshot(key, budget);
    expect(first.model.orgPrices).toHaveLength(2);
    expect(first.model.discounts?.map((entry) => entry.percent)).toEqual(["10.0000"]);
    await send(first.gateway, first.writer, key, 1);
    const [row] = await ledgerRows(key.entry.id);
    // list: 21 × 0.15 + 7 × 0.60 = 7.35 µ$; effective: (21 × 0.10 + 7 × 0.40) × 0.9 = 4.41 µ$
    expect(row).toMatchObject({ list_cost_usd: "0.000007350000", cost_usd: "0.000004410000", discount_percent: "10.0000" });
    expect(row.org_price_id).not.toBeNull();
    expect(row.price_id).not.toBeNull();
    const [counter] = await executeRows<{ spent: string; reserved: string }>(database.handle.db, sql`select spent::text, reserved::text from budget_counters where budget_id = ${budget.id}`);
    expect(counter).toEqual({ spent: "0.000004410000", reserved: "0.000000000000" });

    // Prices edited afterwards: a new org price and discount from now on.
    expect((await setOrgPrice(database.handle.db, finance, modelId, { input: "0.01", output: "0.02" })).ok).toBe(true);
    expect((await setDiscount(database.handle.db, finance, { provider: "openai", percent: "50" })).ok).toBe(true);
    const second = await gatewayOnSnapshot(key, budget);
    await send(second.gateway, second.writer, key, 2);
    const [unchanged, repriced] = await ledgerRows(key.entry.id);
    expect(unchanged).toEqual(row);
    // (21 × 0.01 + 7 × 0.02) × 0.5 = 0.175 µ$; list unchanged.
    expect(repriced).toMatchObject({ list_cost_usd: "0.000007350000", cost_usd: "0.000000175000", discount_percent: "50.0000" });

    // FOCUS: one row per meter; ListCost from the catalog, ContractedCost from the org price, EffectiveCost = BilledCost after the discount.
    const charges = await listChargeRows(database.handle.db, { orgId: ORG, from: new Date(now - 3_600_000), to: new Date(Date.now() + 60_000), timeZone: "UTC" }, { limit: 100 });
    const column = (name: (typeof focusColumns)[number]) => focusColumns.indexOf(name);
    for (const charge of charges) {
      const records = focusRecordsOf(charge);
      expect(records).toHaveLength(2);
      const sum = (name: (typeof focusColumns)[number]) => records.reduce((total, record) => total + decimalToPicos(record[column(name)]!), 0n);
      const ledger = [unchanged, repriced].find((candidate) => candidate.id === charge.id)!;
      expect(sum("ListCost")).toBe(decimalToPicos(ledger.list_cost_usd));
      expect(sum("EffectiveCost")).toBe(decimalToPicos(ledger.cost_usd));
      expect(sum("BilledCost")).toBe(decimalToPicos(ledger.cost_usd));
    }
    const firstRecords = focusRecordsOf(charges.find((charge) => charge.id === unchanged.id)!);
    expect(firstRecords.map((record) => [record[column("SkuMeter")], record[column("ListUnitPrice")], record[column("ContractedUnitPrice")], record[column("ContractedCost")], record[column("EffectiveCost")]])).toEqual([
      ["Input Tokens", "0.15", "0.1", "0.0000021", "0.00000189"],
      ["Output Tokens", "0.6", "0.4", "0.0000028", "0.00000252"],
    ]);
    const audit = await executeRows<{ action: string }>(database.handle.db, sql`select action from audit_log where org_id = ${ORG} order by created_at`);
    expect(audit.map((entry) => entry.action)).toEqual(["model.set_org_price", "model.set_org_price", "discount.set", "discount.set", "model.set_org_price", "discount.set"]);
  });
});
