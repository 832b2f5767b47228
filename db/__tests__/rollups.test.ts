import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import { executeRows } from "../client";
import { ensureDefaultOrg } from "../queries/organizations";
import { insertUsageRows, overviewSeries, overviewTotals, type UsageRow } from "../queries/usage-ledger";
import { reportGroupings, usageBreakdown, usageCostSeries, usageReport } from "../queries/usage-reports";
import { LATENCY_BUCKET_BOUNDS, histogramPercentile, overviewFromRollups } from "../queries/usage-rollups";
import { createTestDatabase } from "./test-database";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orgId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  orgId = await ensureDefaultOrg(database.handle.db);
});
afterAll(async () => database?.drop());

const teams = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002", null];
const keys = ["00000000-0000-4000-9000-000000000001", "00000000-0000-4000-9000-000000000002", "00000000-0000-4000-9000-000000000003"];
const models: [string, string][] = [["gpt-4o-mini", "openai"], ["claude-haiku-4-5", "anthropic"], ["fast", "openai"], ["fast", "anthropic"]];

/** A deterministic pseudo-random row: cost with 12 decimals, latency across every histogram bucket. */
function randomRow(index: number, base: number): UsageRow {
  const pick = (index * 2654435761) % 4294967296;
  const [model, provider] = models[pick % models.length];
  const startedAt = new Date(base + (pick % (30 * 3_600_000)));
  const picos = BigInt(pick % 9_999_991) * 1_000_003n;
  const cost = `${picos / 10n ** 12n}.${(picos % 10n ** 12n).toString().padStart(12, "0")}`;
  return {
    id: `req_rollup_${index}`,
    orgId,
    teamId: teams[pick % 3],
    keyId: keys[(pick >> 3) % 3],
    requestedModel: model,
    provider,
    endpoint: "/v1/chat/completions",
    status: pick % 17 === 0 ? "error" : pick % 23 === 0 ? "aborted" : "success",
    httpStatus: 200,
    latencyMs: pick % 400_000,
    // A first token for most rows (across every bucket too), none for every seventh (failed before any token).
    ttftMs: pick % 7 === 0 ? null : Math.floor(pick / 32) % 350_000,
    startedAt,
    endedAt: startedAt,
    inputTokens: pick % 5000,
    outputTokens: pick % 700,
    cachedInputTokens: pick % 11,
    cacheWriteTokens: pick % 13,
    costUsd: cost,
    listCostUsd: cost === "0.000000000000" ? cost : `${picos / 10n ** 12n + 1n}.${(picos % 10n ** 12n).toString().padStart(12, "0")}`,
  };
}

describe("hourly and daily rollups", () => {
  test("after concurrent, overlapping batches every rollup row equals the sum of its ledger rows exactly", async () => {
    const base = Date.parse("2026-03-01T00:00:00Z");
    const rows = Array.from({ length: 4000 }, (_, index) => randomRow(index, base));
    // 16 batches of 400 rows, overlapping by half (each row is in two batches, as a retried batch would be), all at once.
    const batches = Array.from({ length: 16 }, (_, batch) => Array.from({ length: 400 }, (_, offset) => rows[(batch * 250 + offset) % rows.length]));
    const inserted = await Promise.all(batches.map((batch) => insertUsageRows(database.handle.db, batch)));
    expect(inserted.reduce((sum, count) => sum + count, 0)).toBe(rows.length);

    // Every dimension tuple of the hourly and the daily rollup: its sums against the ledger's, as text (exact numerics), both ways.
    for (const [table, unit] of [["usage_rollups_hourly", "hour"], ["usage_rollups_daily", "day"]] as const) {
      const mismatches = await executeRows<Record<string, unknown>>(
        database.handle.db,
        sql`with ledger as (
              select org_id, date_trunc(${unit}, started_at, 'UTC') as at, team_id, key_id, requested_model, provider, count(*)::bigint as requests,
                count(*) filter (where status <> 'success')::bigint as errors, sum(input_tokens)::bigint as input_tokens, sum(output_tokens)::bigint as output_tokens,
                sum(cached_input_tokens)::bigint as cached_input_tokens, sum(cache_write_tokens)::bigint as cache_write_tokens, sum(cost_usd)::text as cost_usd,
                sum(list_cost_usd)::text as list_cost_usd, sum(latency_ms)::bigint as latency_ms_sum
              from usage_ledger where org_id = ${orgId} group by 1, 2, 3, 4, 5, 6),
            rollup as (
              select org_id, ${sql.raw(unit)} as at, team_id, key_id, requested_model, provider, requests, errors, input_tokens, output_tokens, cached_input_tokens, cache_write_tokens,
                cost_usd::text, list_cost_usd::text, latency_ms_sum from ${sql.raw(table)} where org_id = ${orgId})
            (select 'missing' as side, * from ledger except select 'missing', * from rollup)
            union all (select 'extra', * from rollup except select 'extra', * from ledger)`,
      );
      expect(mismatches, table).toEqual([]);
    }
    const [counts] = await executeRows<{ rollups: number; hours: number; days: number }>(
      database.handle.db,
      sql`select (select count(*)::int from usage_rollups_hourly where org_id = ${orgId}) as rollups, (select count(*)::int from usage_rollups_org_hourly where org_id = ${orgId}) as hours,
        (select count(*)::int from usage_rollups_daily where org_id = ${orgId}) as days`,
    );
    expect(counts.rollups).toBeGreaterThan(100);
    expect(counts.hours).toBe(30);
    // 30 hours from midnight: two UTC days, each with fewer rows than its hours have.
    expect(counts.days).toBeGreaterThan(0);
    expect(counts.days).toBeLessThan(counts.rollups);

    const orgMismatches = await executeRows<Record<string, unknown>>(
      database.handle.db,
      sql`with buckets as (
            select date_trunc('hour', started_at, 'UTC') as hour, width_bucket(latency_ms, ${sql.raw(`'{${LATENCY_BUCKET_BOUNDS.join(",")}}'::int[]`)}) as bucket, count(*)::int as n
            from usage_ledger where org_id = ${orgId} group by 1, 2),
          ttft_buckets as (
            select date_trunc('hour', started_at, 'UTC') as hour, width_bucket(ttft_ms, ${sql.raw(`'{${LATENCY_BUCKET_BOUNDS.join(",")}}'::int[]`)}) as bucket, count(*)::int as n
            from usage_ledger where org_id = ${orgId} and ttft_ms is not null group by 1, 2),
          sums as (
            select org_id, date_trunc('hour', started_at, 'UTC') as hour, count(*)::bigint as requests, count(*) filter (where status <> 'success')::bigint as errors,
              sum(input_tokens)::bigint as input_tokens, sum(output_tokens)::bigint as output_tokens, sum(cost_usd)::text as cost_usd, sum(list_cost_usd)::text as list_cost_usd,
              sum(latency_ms)::bigint as latency_ms_sum
            from usage_ledger where org_id = ${orgId} group by 1, 2),
          ledger as (
            select s.*, array(select coalesce(b.n, 0) from generate_series(1, ${LATENCY_BUCKET_BOUNDS.length}) i left join buckets b on b.hour = s.hour and b.bucket = i order by i) as histogram,
              array(select coalesce(t.n, 0) from generate_series(1, ${LATENCY_BUCKET_BOUNDS.length}) i left join ttft_buckets t on t.hour = s.hour and t.bucket = i order by i) as ttft_histogram
            from sums s),
          rollup as (
            select org_id, hour, requests, errors, input_tokens, output_tokens, cost_usd::text, list_cost_usd::text, latency_ms_sum, latency_histogram, ttft_histogram from usage_rollups_org_hourly where org_id = ${orgId})
          (select * from ledger except select * from rollup) union all (select * from rollup except select * from ledger)`,
    );
    expect(orgMismatches).toEqual([]);
    // Rows without a first token count in no TTFT bucket: the histograms hold exactly the rows that have one.
    const [ttftCounts] = await executeRows<{ rolled: number; ledger: number; without: number }>(
      database.handle.db,
      sql`select (select sum(n)::int from usage_rollups_org_hourly, unnest(ttft_histogram) n where org_id = ${orgId}) as rolled,
        (select count(*)::int from usage_ledger where org_id = ${orgId} and ttft_ms is not null) as ledger,
        (select count(*)::int from usage_ledger where org_id = ${orgId} and ttft_ms is null) as without`,
    );
    expect(ttftCounts.rolled).toBe(ttftCounts.ledger);
    expect(ttftCounts.without).toBeGreaterThan(0);
  });

  test.each(["hour", "day"] as const)("the Overview from the rollups (whole hours) and the ledger (edge hours) equals the ledger's sums, by %s", async (bucket) => {
    // Off the hour at both ends, so both edges come from the ledger.
    const from = new Date(Date.parse("2026-03-01T00:17:00Z"));
    const to = new Date(Date.parse("2026-03-02T05:41:13Z"));
    const fromRollups = await overviewFromRollups(database.handle.db, orgId, { from, to, bucket });
    const [totals, series] = await Promise.all([overviewTotals(database.handle.db, orgId, { from, to }), overviewSeries(database.handle.db, orgId, { from, to, bucket })]);
    const sums = ({ requests, errors, inputTokens, outputTokens, costUsd }: typeof totals) => ({ requests, errors, inputTokens, outputTokens, costUsd });
    expect(totals.requests).toBeGreaterThan(3000);
    expect(sums(fromRollups.totals)).toEqual(sums(totals));
    expect(fromRollups.series.map((entry) => ({ bucket: entry.bucket, ...sums(entry) }))).toEqual(series.map((entry) => ({ bucket: entry.bucket, ...sums(entry) })));
    // Percentiles from histograms: within the bucket the exact one falls in.
    const pairs = [
      [fromRollups.totals.p50Ms, totals.p50Ms],
      [fromRollups.totals.p95Ms, totals.p95Ms],
      [fromRollups.totals.p99Ms, totals.p99Ms],
      [fromRollups.totals.ttftP50Ms, totals.ttftP50Ms],
      [fromRollups.totals.ttftP95Ms, totals.ttftP95Ms],
      [fromRollups.totals.ttftP99Ms, totals.ttftP99Ms],
    ];
    expect(totals.ttftP50Ms).not.toBeNull();
    for (const [approximate, exact] of pairs) {
      const index = LATENCY_BUCKET_BOUNDS.findLastIndex((bound) => bound <= exact!);
      expect(approximate).toBeGreaterThanOrEqual(LATENCY_BUCKET_BOUNDS[index]);
      expect(approximate).toBeLessThanOrEqual(LATENCY_BUCKET_BOUNDS[index + 1] ?? Infinity);
    }
  });

  test.each([
    ["UTC days", "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z"],
    // Asia/Kolkata (+05:30) and Asia/Kathmandu (+05:45) days: the edge half and quarter hours come from the ledger.
    ["a +05:30 day", "2026-02-28T18:30:00Z", "2026-03-01T18:30:00Z"],
    ["a +05:45 period", "2026-02-28T18:15:00Z", "2026-03-02T05:45:00Z"],
    // A whole UTC day (daily rollups) between edge hours (hourly rollups) and edge half hours (the ledger).
    ["two +05:30 days", "2026-02-28T18:30:00Z", "2026-03-02T18:30:00Z"],
    ["from a UTC midnight to an hour's middle", "2026-03-01T00:00:00Z", "2026-03-02T03:20:00Z"],
  ])("every report grouping over %s equals the ledger's, group for group, to the picodollar", async (_label, from, to) => {
    const scope = { orgId, from: new Date(from), to: new Date(to) };
    for (const groupBy of reportGroupings) {
      const [fromRollups, fromLedger] = await Promise.all([usageReport(database.handle.db, scope, groupBy), usageReport(database.handle.db, scope, groupBy, { source: "ledger" })]);
      expect(fromRollups.totals.requests).toBeGreaterThan(1000);
      expect(fromRollups).toEqual(fromLedger);
    }
    const [byTeam] = [await usageReport(database.handle.db, { ...scope, teamId: teams[0]! }, "model")];
    expect(byTeam).toEqual(await usageReport(database.handle.db, { ...scope, teamId: teams[0]! }, "model", { source: "ledger" }));
  });

  test("the Overview breakdown's largest groups and their errors equal the ledger's, for the org and for a developer's keys", async () => {
    const scope = { orgId, from: new Date("2026-02-28T18:15:00Z"), to: new Date("2026-03-02T05:45:00Z") };
    const columns = { team: sql`team_id::text`, key: sql`key_id::text`, model: sql`requested_model`, provider: sql`provider` } as const;
    for (const keyIds of [undefined, [keys[0], keys[2]]]) {
      const keyFilter = keyIds ? sql` and key_id in (${sql.join(keyIds.map((id) => sql`${id}::uuid`), sql`, `)})` : sql``;
      for (const groupBy of ["team", "key", "model", "provider"] as const) {
        const expected = await executeRows<{ key: string | null; requests: number; errors: number; cost_usd: string }>(
          database.handle.db,
          sql`select ${columns[groupBy]} as key, count(*)::int as requests, count(*) filter (where status <> 'success')::int as errors, sum(cost_usd)::text as cost_usd
              from usage_ledger where org_id = ${orgId} and started_at >= ${scope.from.toISOString()} and started_at < ${scope.to.toISOString()}${keyFilter}
              group by 1 order by sum(cost_usd) desc, count(*) desc, 1 nulls last`,
        );
        const { rows, groups } = await usageBreakdown(database.handle.db, { ...scope, ...(keyIds ? { keyIds } : {}) }, groupBy, 2);
        expect(groups).toBe(expected.length);
        expect(rows.map(({ key, requests, errors, costUsd }) => ({ key, requests, errors, costUsd }))).toEqual(
          expected.slice(0, 2).map((row) => ({ key: row.key, requests: row.requests, errors: row.errors, costUsd: row.cost_usd })),
        );
        expect(rows[0].errors).toBeGreaterThan(0);
      }
    }
    // No keys (a developer without any): nothing.
    expect(await usageBreakdown(database.handle.db, { ...scope, keyIds: [] }, "model", 5)).toEqual({ rows: [], groups: 0 });

    // Top users: the console user each key belongs to (two keys one member's, one another's), from the same rollups.
    const [ada, bo] = await executeRows<{ id: string }>(
      database.handle.db,
      sql`insert into users (email, name, password_hash) values ('ada@rollups.test', 'Ada', 'x'), ('bo@rollups.test', null, 'x') returning id`,
    );
    for (const [index, owner] of [ada.id, ada.id, bo.id].entries()) {
      await executeRows(database.handle.db, sql`insert into virtual_keys (id, org_id, name, key_prefix, key_hash, user_id) values (${keys[index]}, ${orgId}, ${`key ${index}`}, ${`vk_rollup${index}`}, 'x', ${owner})`);
    }
    const byOwner = await executeRows<{ key: string | null; requests: number; errors: number; cost_usd: string }>(
      database.handle.db,
      sql`select k.user_id::text as key, count(*)::int as requests, count(*) filter (where l.status <> 'success')::int as errors, sum(l.cost_usd)::text as cost_usd
          from usage_ledger l left join virtual_keys k on k.id = l.key_id
          where l.org_id = ${orgId} and l.started_at >= ${scope.from.toISOString()} and l.started_at < ${scope.to.toISOString()}
          group by 1 order by sum(l.cost_usd) desc, count(*) desc, 1 nulls last`,
    );
    const owners = await usageBreakdown(database.handle.db, scope, "owner", 5);
    expect(owners.groups).toBe(3); // Ada, Bo, and rows without a key
    expect(owners.rows.map(({ key, requests, errors, costUsd }) => ({ key, requests, errors, costUsd }))).toEqual(byOwner.map((row) => ({ key: row.key, requests: row.requests, errors: row.errors, costUsd: row.cost_usd })));
    expect(Object.fromEntries(owners.rows.map((row) => [row.key, row.label]))).toEqual({ [ada.id]: "Ada", [bo.id]: "bo@rollups.test", null: null });
  });

  test.each(["hour", "day"] as const)("cost over time by model (%s buckets): each point's top groups and the rest equal the ledger's", async (bucket) => {
    const scope = { orgId, from: new Date("2026-02-28T18:30:00Z"), to: new Date("2026-03-02T03:20:00Z") };
    const series = await usageCostSeries(database.handle.db, scope, "model", bucket, 2);
    const cells = await executeRows<{ bucket: string; model: string; cost: string }>(
      database.handle.db,
      sql`select date_trunc(${bucket}, started_at, 'UTC')::text as bucket, requested_model as model, sum(cost_usd)::text as cost
          from usage_ledger where org_id = ${orgId} and started_at >= ${scope.from.toISOString()} and started_at < ${scope.to.toISOString()} group by 1, 2`,
    );
    const picos = (value: string) => BigInt(value.replace(".", ""));
    const totals = new Map<string, bigint>();
    for (const cell of cells) totals.set(cell.model, (totals.get(cell.model) ?? 0n) + picos(cell.cost));
    const ranked = [...totals.entries()].sort((a, b) => (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : a[0] < b[0] ? -1 : 1));
    expect(series.groups.map((group) => [group.key, picos(group.costUsd)])).toEqual(ranked.slice(0, 2));
    const top = ranked.slice(0, 2).map(([model]) => model);
    const buckets = new Set(cells.map((cell) => Date.parse(`${cell.bucket.replace(" ", "T").replace(/\+00$/, "")}Z`)));
    expect(series.points.map((point) => point.bucket.getTime())).toEqual([...buckets].sort((a, b) => a - b));
    for (const point of series.points) {
      const here = cells.filter((cell) => Date.parse(`${cell.bucket.replace(" ", "T").replace(/\+00$/, "")}Z`) === point.bucket.getTime());
      expect(point.costs.map(picos)).toEqual(top.map((model) => here.filter((cell) => cell.model === model).reduce((sum, cell) => sum + picos(cell.cost), 0n)));
      expect(picos(point.otherUsd)).toBe(here.filter((cell) => !top.includes(cell.model)).reduce((sum, cell) => sum + picos(cell.cost), 0n));
    }
    expect(series.points.length).toBeGreaterThan(bucket === "hour" ? 20 : 1);
  });

  test("a histogram percentile falls inside the bucket of the exact percentile", () => {
    // 100 requests: 50 at 10 ms, 45 at 120 ms, 5 at 2,500 ms.
    const histogram = new Array<number>(LATENCY_BUCKET_BOUNDS.length).fill(0);
    histogram[0] = 50; // [0, 25)
    histogram[3] = 45; // [100, 150)
    histogram[12] = 5; // [2000, 3000)
    expect(histogramPercentile(histogram, 0.5)).toBe(25);
    const p95 = histogramPercentile(histogram, 0.95)!;
    expect(p95).toBeGreaterThanOrEqual(100);
    expect(p95).toBeLessThanOrEqual(150);
    expect(histogramPercentile(histogram, 0.99)).toBeGreaterThanOrEqual(2000);
    expect(histogramPercentile(new Array(LATENCY_BUCKET_BOUNDS.length).fill(0), 0.5)).toBeNull();
  });
});
