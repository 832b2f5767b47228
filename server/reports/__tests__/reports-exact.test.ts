/**
 * Every report total equals the sum of its ledger rows to the picodollar, on the real
 * PostgreSQL: random exact costs, rows on both sides of month boundaries in the org's time zone
 * (America/New_York, across the November DST change), another org's rows that must not count,
 * each grouping, the CSV and the FOCUS export.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { eq, sql } from "drizzle-orm";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { insertModel, insertPrice } from "@/db/queries/models";
import { insertConnection } from "@/db/queries/provider-connections";
import { insertTeam } from "@/db/queries/teams";
import { insertUsageRows, type UsageRow } from "@/db/queries/usage-ledger";
import { reportGroupings, type ReportGrouping } from "@/db/queries/usage-reports";
import { insertKey } from "@/db/queries/virtual-keys";
import { organizations } from "@/db/schema";
import { focusCsvFor, reportCsvFor } from "@/server/admin/report-exports";
import { usageReportFor } from "@/server/admin/reports";
import type { Actor } from "@/server/admin/service-result";
import { costPicos, decimalToPicos, picosToDecimal } from "@/server/gateway/pricing";
import { parseCsv } from "./parse-csv";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const rows: UsageRow[] = [];
let actor: Actor;
const keyInfo = new Map<string, { team: string | null; tag: string | null }>();
const modelRegion = new Map<string, string | null>();

// November 2026 in New York: EDT (-4) until 1 November 06:00 UTC, then EST (-5).
const november = { from: new Date("2026-11-01T04:00:00Z"), to: new Date("2026-12-01T05:00:00Z") };

let seed = 42;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
}
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.handle.db;
  const [org] = await db.insert(organizations).values({ name: "Acme", slug: "acme", timeZone: "America/New_York" }).returning();
  const [other] = await db.insert(organizations).values({ name: "Other", slug: "other" }).returning();
  actor = { orgId: org.id, id: "system", role: "finance" };
  const connection = await insertConnection(db, { orgId: org.id, kind: "openai", name: "openai", baseUrl: "https://api.openai.com/v1", source: "console" });
  const prices: { modelName: string; priceId: string; price: { inputPerMtok: string; outputPerMtok: string; cachedInputPerMtok: string | null; cacheWritePerMtok: string | null } }[] = [];
  for (const [name, region, input, output, cached] of [
    ["gpt-small", "us-east-1", "0.150000", "0.600000", "0.075000"],
    ["gpt-large", "eu-west-1", "2.500000", "10.000000", null],
    ["claude", null, "3.000000", "15.000000", "0.300000"],
  ] as const) {
    const model = await insertModel(db, { orgId: org.id, name, connectionId: connection.id, upstreamModel: `${name}-2026`, region });
    const price = { inputPerMtok: input, outputPerMtok: output, cachedInputPerMtok: cached, cacheWritePerMtok: null };
    const row = await insertPrice(db, { modelId: model.id, ...price, effectiveFrom: new Date(0) });
    prices.push({ modelName: name, priceId: row.id, price });
    modelRegion.set(name, region);
  }
  const teamA = await insertTeam(db, { orgId: org.id, name: "Research", costCentre: "CC-100" });
  const teamB = await insertTeam(db, { orgId: org.id, name: "Support", costCentre: null });
  const keys: string[] = [];
  for (const [name, teamId, tag] of [
    ["research-bot", teamA.id, null],
    ["research-own-tag", teamA.id, "CC-200"],
    ["support-bot", teamB.id, null],
    ["no-team", null, "CC-300"],
  ] as const) {
    const key = await insertKey(db, { orgId: org.id, teamId, name, keyPrefix: `vk_${name}`, keyHash: name, costCentre: tag, createdBy: "system" });
    keys.push(key.id);
    keyInfo.set(key.id, { team: teamId, tag: tag ?? (teamId === teamA.id ? "CC-100" : null) });
  }
  const instants = [
    "2026-11-01T03:59:59.999999Z", // 31 October 23:59:59 EDT: October
    "2026-11-01T04:00:00Z", // 1 November 00:00 EDT: November
    "2026-11-01T06:30:00Z", // 01:30 EST, after the change
    "2026-11-30T23:59:59Z",
    "2026-12-01T04:59:59.999Z", // 30 November 23:59 EST: November
    "2026-12-01T05:00:00Z", // 1 December: excluded
  ];
  for (let index = 0; index < 3000; index++) {
    const keyId = pick([...keys, null]);
    const priced = random() < 0.7 ? pick(prices) : null;
    const model = priced?.modelName ?? pick(["gpt-small", "unknown-model", null]);
    const inputTokens = Math.floor(random() * 50_000);
    const cachedInputTokens = random() < 0.3 ? Math.floor(inputTokens * random()) : 0;
    const outputTokens = Math.floor(random() * 8_000);
    const cost = priced
      ? picosToDecimal(costPicos({ inputTokens, outputTokens, cachedInputTokens }, { ...priced.price, effectiveFrom: 0, id: priced.priceId } as never))
      : picosToDecimal(BigInt(Math.floor(random() * 1e9)) * 1000n + BigInt(Math.floor(random() * 1000)));
    const startedAt = index < instants.length * 4 ? new Date(instants[index % instants.length]) : new Date(Date.parse("2026-10-20T00:00:00Z") + Math.floor(random() * 50 * 86_400_000));
    rows.push({
      id: `req_${index}`,
      orgId: org.id,
      keyId,
      teamId: keyId ? keyInfo.get(keyId)!.team : null,
      keyPrefix: keyId ? "vk_x" : null,
      requestedModel: model,
      servedModel: model ? `${model}-2026` : null,
      provider: model ? pick(["openai", "anthropic", null]) : null,
      endUser: pick(["alice", "bob", null]),
      endpoint: "/v1/chat/completions",
      status: "success",
      httpStatus: 200,
      latencyMs: 5,
      inputTokens,
      cachedInputTokens,
      outputTokens,
      costUsd: cost,
      priceId: priced?.priceId ?? null,
      startedAt,
      endedAt: startedAt,
    });
  }
  rows.push({ ...rows[10], id: "req_other_org", orgId: other.id, keyId: null, teamId: null, priceId: null });
  for (let index = 0; index < rows.length; index += 500) await insertUsageRows(db, rows.slice(index, index + 500));
}, 60_000);
afterAll(async () => database?.drop());

const inNovember = () => rows.filter((row) => row.orgId === actor.orgId && row.startedAt >= november.from && row.startedAt < november.to);

function groupOf(row: UsageRow, grouping: ReportGrouping): string | null {
  switch (grouping) {
    case "team":
      return row.teamId ?? null;
    case "key":
      return row.keyId ?? null;
    case "user":
      return row.endUser ?? null;
    case "model":
      return row.requestedModel ?? null;
    case "provider":
      return row.provider ?? null;
    case "region":
      return row.requestedModel ? (modelRegion.get(row.requestedModel) ?? null) : null;
    case "tag":
      return row.keyId ? keyInfo.get(row.keyId)!.tag : null;
  }
}

function expectedByGroup(grouping: ReportGrouping): Map<string | null, { picos: bigint; requests: number }> {
  const groups = new Map<string | null, { picos: bigint; requests: number }>();
  for (const row of inNovember()) {
    const key = groupOf(row, grouping);
    const entry = groups.get(key) ?? { picos: 0n, requests: 0 };
    entry.picos += decimalToPicos(row.costUsd!);
    entry.requests += 1;
    groups.set(key, entry);
  }
  return groups;
}

describe("report totals equal the sum of their ledger rows", () => {
  test("November in New York has the boundary rows it should", () => {
    // Fixed instants: 4 × (1 Nov 00:00 EDT, 01:30 EST, 30 Nov 23:59:59, 30 Nov 23:59 EST) in; 4 × 31 Oct and 4 × 1 Dec out.
    const boundary = inNovember().filter((row) => Number(row.id.slice(4)) < 24);
    expect(boundary).toHaveLength(16);
  });

  test.each(reportGroupings)("grouped by %s", async (grouping) => {
    const result = await usageReportFor(database.handle.db, actor, { month: "2026-11", group_by: grouping });
    if (!result.ok) throw new Error(result.error.message);
    const report = result.value;
    expect(report.period.from).toEqual(november.from);
    expect(report.period.to).toEqual(november.to);
    const expected = expectedByGroup(grouping);
    const expectedTotal = [...expected.values()].reduce((sum, group) => sum + group.picos, 0n);
    expect(decimalToPicos(report.totals.costUsd)).toBe(expectedTotal);
    expect(report.totals.requests).toBe(inNovember().length);
    expect(report.groups).toHaveLength(expected.size);
    for (const group of report.groups) {
      expect({ key: group.key, picos: decimalToPicos(group.costUsd), requests: group.requests }).toEqual({ key: group.key, ...expected.get(group.key) });
    }
    expect(report.groups.reduce((sum, group) => sum + decimalToPicos(group.costUsd), 0n)).toBe(expectedTotal);
    // And PostgreSQL's own sum over the same rows agrees.
    const [check] = await executeRows<{ total: string }>(
      database.handle.db,
      sql`select sum(cost_usd)::text as total from usage_ledger where org_id = ${actor.orgId} and started_at >= ${november.from.toISOString()} and started_at < ${november.to.toISOString()}`,
    );
    expect(decimalToPicos(check.total)).toBe(expectedTotal);
  });

  test("the CSV's rows and total row carry the same exact sums", async () => {
    const result = await reportCsvFor(database.handle.db, actor, { month: "2026-11", group_by: "tag" });
    if (!result.ok) throw new Error(result.error.message);
    const records = parseCsv(await new Response(result.value.stream).text());
    const total = records.find((record) => record.row_type === "total")!;
    const groups = records.filter((record) => record.row_type === "group");
    const expected = expectedByGroup("tag");
    expect(groups.map((record) => [record.group_key || null, decimalToPicos(record.cost_usd)]).sort()).toEqual([...expected].map(([key, value]) => [key, value.picos]).sort());
    expect(decimalToPicos(total.cost_usd)).toBe([...expected.values()].reduce((sum, group) => sum + group.picos, 0n));
    expect(groups.find((record) => record.group_key === "")?.group_name).toBe("Untagged");
    expect(total).toMatchObject({ period_start: november.from.toISOString(), period_end: november.to.toISOString(), time_zone: "America/New_York" });
  });

  test("the FOCUS export's BilledCost sums to the ledger, row for row and in total", async () => {
    const result = await focusCsvFor(database.handle.db, actor, { month: "2026-11", group_by: "team" }, { pageSize: 97 });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.headers["x-focus-version"]).toBe("1.2");
    const records = parseCsv(await new Response(result.value.stream).text());
    const charged = inNovember().filter((row) => row.inputTokens! > 0 || row.outputTokens! > 0 || decimalToPicos(row.costUsd!) > 0n);
    expect(result.value.headers["x-ledger-rows"]).toBe(String(charged.length));
    const byRequest = new Map<string, bigint>();
    for (const record of records) {
      byRequest.set(record.x_RequestId, (byRequest.get(record.x_RequestId) ?? 0n) + decimalToPicos(record.BilledCost));
      expect(record.EffectiveCost).toBe(record.BilledCost);
      expect(record.ListCost).toBe(record.BilledCost);
      if (record.ListUnitPrice) {
        // ListCost = ListUnitPrice × PricingQuantity, exactly (price per 1M tokens × millions of tokens).
        const micros = (text: string) => BigInt(text.replace(".", "").padEnd(text.includes(".") ? text.indexOf(".") + 6 : text.length + 6, "0"));
        expect(micros(record.ListUnitPrice) * micros(record.PricingQuantity)).toBe(decimalToPicos(record.ListCost));
      }
      expect(record.BillingPeriodStart).toBe("2026-11-01T04:00:00Z");
      expect(record.BillingPeriodEnd).toBe("2026-12-01T05:00:00Z");
      expect(record.ChargePeriodStart >= "2026-11-01T04:00:00Z" && record.ChargePeriodEnd <= "2026-12-01T06:00:00Z").toBe(true);
      expect(record.x_FocusVersion).toBe("1.2");
    }
    expect(byRequest.size).toBe(charged.length);
    for (const row of charged) expect(byRequest.get(row.id)).toBe(decimalToPicos(row.costUsd!));
    const totalPicos = [...byRequest.values()].reduce((sum, value) => sum + value, 0n);
    expect(totalPicos).toBe(inNovember().reduce((sum, row) => sum + decimalToPicos(row.costUsd!), 0n));
    const sample = records.find((record) => record.SubAccountName === "Research" && record.Tags.includes("CC-100"));
    expect(JSON.parse(sample!.Tags)).toMatchObject({ team: "Research", cost_centre: "CC-100" });
    expect(sample).toMatchObject({ ChargeCategory: "Usage", ChargeFrequency: "Usage-Based", BillingCurrency: "USD", ServiceCategory: "AI and Machine Learning", ConsumedUnit: "Tokens", SubAccountType: "Team" });
  });

  test("a team's chargeback report (team_id) covers exactly that team's rows, by key and by model", async () => {
    const teamId = rows.find((row) => row.teamId)!.teamId!;
    const teamRows = inNovember().filter((row) => row.teamId === teamId);
    for (const grouping of ["key", "model"] as const) {
      const result = await usageReportFor(database.handle.db, actor, { month: "2026-11", group_by: grouping, team_id: teamId });
      if (!result.ok) throw new Error(result.error.message);
      expect(decimalToPicos(result.value.totals.costUsd)).toBe(teamRows.reduce((sum, row) => sum + decimalToPicos(row.costUsd!), 0n));
      expect(result.value.totals.requests).toBe(teamRows.length);
      expect(result.value.groups.reduce((sum, group) => sum + group.requests, 0)).toBe(teamRows.length);
    }
    const csv = await reportCsvFor(database.handle.db, actor, { month: "2026-11", group_by: "key", team_id: teamId });
    if (!csv.ok) throw new Error(csv.error.message);
    const total = parseCsv(await new Response(csv.value.stream).text()).find((record) => record.row_type === "total")!;
    expect(decimalToPicos(total.cost_usd)).toBe(teamRows.reduce((sum, row) => sum + decimalToPicos(row.costUsd!), 0n));
  });

  test("another org's time zone moves its month boundaries", async () => {
    await database.handle.db.update(organizations).set({ timeZone: "UTC" }).where(eq(organizations.id, actor.orgId));
    const result = await usageReportFor(database.handle.db, actor, { month: "2026-11", group_by: "team" });
    await database.handle.db.update(organizations).set({ timeZone: "America/New_York" }).where(eq(organizations.id, actor.orgId));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.period.from.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    const utcRows = rows.filter((row) => row.orgId === actor.orgId && row.startedAt >= new Date("2026-11-01T00:00:00Z") && row.startedAt < new Date("2026-12-01T00:00:00Z"));
    expect(decimalToPicos(result.value.totals.costUsd)).toBe(utcRows.reduce((sum, row) => sum + decimalToPicos(row.costUsd!), 0n));
  });

  test("a role without reports:read is refused", async () => {
    for (const role of ["developer", "viewer"] as const) {
      const result = await usageReportFor(database.handle.db, { ...actor, role }, { period: "last_month", group_by: "team" });
      expect(result).toEqual({ ok: false, error: { code: "forbidden", message: "Your role cannot read usage reports." } });
    }
  });
});
