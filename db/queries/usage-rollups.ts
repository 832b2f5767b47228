import { sql, type SQL } from "drizzle-orm";
import { executeRows, type Executor } from "../client";
import type { OverviewBucket, OverviewTotals } from "./usage-ledger";

/**
 * The ledger's hourly rollups (db/schema/usage-rollups.ts), maintained by insertUsageRows in the same statement as
 * the ledger rows: `ins` there is the CTE of the rows actually inserted (a duplicate skipped by ON CONFLICT never
 * reaches a rollup). Rows are upserted in the order of their dimensions, so two concurrent batches lock shared rollup
 * rows in the same order (no deadlock); each adds its sums to the row, exactly (numeric, bigint).
 */

/** Lower bounds (ms) of the latency histogram's buckets: bucket i (1-based, as width_bucket numbers it) is [bounds[i-1], bounds[i]). */
export const LATENCY_BUCKET_BOUNDS = [0, 25, 50, 100, 150, 200, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 4000, 5000, 7500, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000, 300_000] as const;

/** The bounds as a PostgreSQL int[] literal (the migration 0013 backfill repeats it). */
export const latencyBoundsSql = sql.raw(`'{${LATENCY_BUCKET_BOUNDS.join(",")}}'::int[]`);

/** The UTC hour of a timestamptz, whatever the session's time zone. */
export const utcHour = (column: SQL) => sql`date_trunc('hour', ${column}, 'UTC')`;

/** The UTC day of a timestamptz, whatever the session's time zone. */
export const utcDay = (column: SQL) => sql`date_trunc('day', ${column}, 'UTC')`;

/** The CTEs that add the inserted rows (`ins`) to the rollups; appended to insertUsageRows' statement. */
/** Adds the inserted rows' sums to one dimensional rollup table (hourly or daily), per `time` bucket. */
const dimensionalRollup = (table: "usage_rollups_hourly" | "usage_rollups_daily", column: "hour" | "day", time: SQL) => sql`
    insert into ${sql.raw(table)} as r (org_id, ${sql.raw(column)}, team_id, key_id, requested_model, provider, requests, errors, input_tokens, output_tokens,
      cached_input_tokens, cache_write_tokens, cost_usd, list_cost_usd, latency_ms_sum)
    select org_id, ${time}, team_id, key_id, requested_model, provider, count(*), count(*) filter (where status <> 'success'),
      sum(input_tokens), sum(output_tokens), sum(cached_input_tokens), sum(cache_write_tokens), sum(cost_usd), sum(list_cost_usd), sum(latency_ms)
    from ins group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6
    on conflict on constraint ${sql.raw(`${table}_dims_unique`)} do update set
      requests = r.requests + excluded.requests, errors = r.errors + excluded.errors,
      input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens,
      cached_input_tokens = r.cached_input_tokens + excluded.cached_input_tokens, cache_write_tokens = r.cache_write_tokens + excluded.cache_write_tokens,
      cost_usd = r.cost_usd + excluded.cost_usd, list_cost_usd = r.list_cost_usd + excluded.list_cost_usd, latency_ms_sum = r.latency_ms_sum + excluded.latency_ms_sum
    returning 1`;

export const rollupCtes = sql`rolled as (${dimensionalRollup("usage_rollups_hourly", "hour", utcHour(sql`started_at`))}
  ),
  daily_rolled as (${dimensionalRollup("usage_rollups_daily", "day", utcDay(sql`started_at`))}
  ),
  org_buckets as (
    select org_id, ${utcHour(sql`started_at`)} as hour, width_bucket(latency_ms, ${latencyBoundsSql}) as bucket, count(*)::int as n from ins group by 1, 2, 3
  ),
  org_ttft_buckets as (
    select org_id, ${utcHour(sql`started_at`)} as hour, width_bucket(ttft_ms, ${latencyBoundsSql}) as bucket, count(*)::int as n from ins where ttft_ms is not null group by 1, 2, 3
  ),
  org_sums as (
    select org_id, ${utcHour(sql`started_at`)} as hour, count(*) as requests, count(*) filter (where status <> 'success') as errors,
      sum(input_tokens) as input_tokens, sum(output_tokens) as output_tokens, sum(cost_usd) as cost_usd, sum(list_cost_usd) as list_cost_usd, sum(latency_ms) as latency_ms_sum,
      count(*) filter (where cache_status = 'hit') as cache_hits, coalesce(sum(cache_saved_usd), 0) as cache_saved_usd,
      sum(cached_input_tokens) as cached_input_tokens, sum(cache_write_tokens) as cache_write_tokens, coalesce(sum(prompt_cache_saved_usd), 0) as prompt_cache_saved_usd
    from ins group by 1, 2
  ),
  org_rolled as (
    insert into usage_rollups_org_hourly as r (org_id, hour, requests, errors, input_tokens, output_tokens, cost_usd, list_cost_usd, latency_ms_sum, cache_hits, cache_saved_usd,
      cached_input_tokens, cache_write_tokens, prompt_cache_saved_usd, latency_histogram, ttft_histogram)
    select s.org_id, s.hour, s.requests, s.errors, s.input_tokens, s.output_tokens, s.cost_usd, s.list_cost_usd, s.latency_ms_sum, s.cache_hits, s.cache_saved_usd,
      s.cached_input_tokens, s.cache_write_tokens, s.prompt_cache_saved_usd,
      array(select coalesce(b.n, 0) from generate_series(1, ${LATENCY_BUCKET_BOUNDS.length}) as i(i)
            left join org_buckets b on b.org_id = s.org_id and b.hour = s.hour and b.bucket = i.i order by i.i),
      array(select coalesce(t.n, 0) from generate_series(1, ${LATENCY_BUCKET_BOUNDS.length}) as i(i)
            left join org_ttft_buckets t on t.org_id = s.org_id and t.hour = s.hour and t.bucket = i.i order by i.i)
    from org_sums s order by 1, 2
    on conflict (org_id, hour) do update set
      requests = r.requests + excluded.requests, errors = r.errors + excluded.errors,
      input_tokens = r.input_tokens + excluded.input_tokens, output_tokens = r.output_tokens + excluded.output_tokens,
      cost_usd = r.cost_usd + excluded.cost_usd, list_cost_usd = r.list_cost_usd + excluded.list_cost_usd, latency_ms_sum = r.latency_ms_sum + excluded.latency_ms_sum,
      cache_hits = r.cache_hits + excluded.cache_hits, cache_saved_usd = r.cache_saved_usd + excluded.cache_saved_usd,
      cached_input_tokens = r.cached_input_tokens + excluded.cached_input_tokens, cache_write_tokens = r.cache_write_tokens + excluded.cache_write_tokens,
      prompt_cache_saved_usd = r.prompt_cache_saved_usd + excluded.prompt_cache_saved_usd,
      latency_histogram = array(select a + b from unnest(r.latency_histogram, excluded.latency_histogram) with ordinality as h(a, b, i) order by h.i),
      ttft_histogram = array(select a + b from unnest(r.ttft_histogram, excluded.ttft_histogram) with ordinality as h(a, b, i) order by h.i)
    returning 1
  )`;

/**
 * A percentile of a latency histogram (counts per LATENCY_BUCKET_BOUNDS bucket), interpolated linearly inside the
 * bucket it falls in: approximate to within that bucket's width (25 ms below 100 ms, 50–100 ms up to 500 ms, …).
 */
export function histogramPercentile(histogram: readonly number[], fraction: number): number | null {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = fraction * total;
  let seen = 0;
  for (let index = 0; index < histogram.length; index++) {
    const count = histogram[index];
    if (count === 0) continue;
    if (seen + count >= rank) {
      const low = LATENCY_BUCKET_BOUNDS[index];
      const high = LATENCY_BUCKET_BOUNDS[index + 1];
      if (high === undefined) return low;
      return low + ((rank - seen) / count) * (high - low);
    }
    seen += count;
  }
  return LATENCY_BUCKET_BOUNDS[histogram.length - 1];
}

/** Adds histograms element-wise. */
export function addHistograms(into: number[], histogram: readonly number[]): number[] {
  for (let index = 0; index < histogram.length; index++) into[index] = (into[index] ?? 0) + Number(histogram[index]);
  return into;
}

/** The whole UTC hours inside [from, to): [first, last) with first ≥ from and last ≤ to; null when there is none. */
export function wholeHours(from: Date, to: Date): { first: Date; last: Date } | null {
  return wholeUnits(from, to, 3_600_000);
}

/** The whole UTC days inside [from, to), as wholeHours. */
export function wholeDays(from: Date, to: Date): { first: Date; last: Date } | null {
  return wholeUnits(from, to, 86_400_000);
}

function wholeUnits(from: Date, to: Date, unit: number): { first: Date; last: Date } | null {
  const first = new Date(Math.ceil(from.getTime() / unit) * unit);
  const last = new Date(Math.floor(to.getTime() / unit) * unit);
  return first < last ? { first, last } : null;
}

export interface RollupOverviewBucket {
  bucket: Date;
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
  cacheHits: number;
  cacheSavedUsd: string;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  promptCacheSavedUsd: string;
  histogram: number[];
  /** Time to first token, in the latency histogram's buckets. */
  ttftHistogram: number[];
}

/**
 * The Overview's sums per time bucket for an org over [from, to): whole UTC hours from usage_rollups_org_hourly, the
 * partial hours at either edge from the ledger itself (at most two hours of rows), so every sum equals the ledger's.
 * `bucket` is hour or day (date_trunc, as the ledger query used).
 */
export async function overviewBucketsFromRollups(db: Executor, orgId: string, options: { from: Date; to: Date; bucket: "hour" | "day" }): Promise<RollupOverviewBucket[]> {
  const hours = wholeHours(options.from, options.to);
  const from = options.from.toISOString();
  const to = options.to.toISOString();
  const rollupPart = hours
    ? sql`select hour as at, requests, errors, input_tokens, output_tokens, cost_usd, cache_hits, cache_saved_usd, cached_input_tokens, cache_write_tokens, prompt_cache_saved_usd, latency_histogram as histogram, ttft_histogram
          from usage_rollups_org_hourly where org_id = ${orgId} and hour >= ${hours.first.toISOString()} and hour < ${hours.last.toISOString()}`
    : sql`select null::timestamptz, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::numeric, 0::bigint, 0::numeric, 0::bigint, 0::bigint, 0::numeric, null::int[], null::int[] where false`;
  const ledgerRange = hours
    ? sql`((started_at >= ${from} and started_at < ${hours.first.toISOString()}) or (started_at >= ${hours.last.toISOString()} and started_at < ${to}))`
    : sql`started_at >= ${from} and started_at < ${to}`;
  const rows = await executeRows<Record<string, unknown>>(
    db,
    sql`with parts as (
          ${rollupPart}
          union all
          select started_at, 1, (status <> 'success')::int, input_tokens, output_tokens, cost_usd, (cache_status = 'hit')::int, coalesce(cache_saved_usd, 0), cached_input_tokens, cache_write_tokens, coalesce(prompt_cache_saved_usd, 0),
            array(select (i = width_bucket(latency_ms, ${latencyBoundsSql}))::int from generate_series(1, ${LATENCY_BUCKET_BOUNDS.length}) i),
            array(select coalesce(i = width_bucket(ttft_ms, ${latencyBoundsSql}), false)::int from generate_series(1, ${LATENCY_BUCKET_BOUNDS.length}) i)
          from usage_ledger where org_id = ${orgId} and ${ledgerRange}
        ),
        sums as (
          select date_trunc(${options.bucket}, at) as bucket, sum(requests)::bigint as requests, sum(errors)::bigint as errors,
            sum(input_tokens)::bigint as input_tokens, sum(output_tokens)::bigint as output_tokens, sum(cost_usd)::text as cost_usd,
            sum(cache_hits)::bigint as cache_hits, sum(cache_saved_usd)::text as cache_saved_usd,
            sum(cached_input_tokens)::bigint as cached_input_tokens, sum(cache_write_tokens)::bigint as cache_write_tokens, sum(prompt_cache_saved_usd)::text as prompt_cache_saved_usd
          from parts group by 1
        ),
        histograms as (
          select date_trunc(${options.bucket}, p.at) as bucket, h.i, sum(h.n)::bigint as n
          from parts p cross join lateral unnest(p.histogram) with ordinality as h(n, i) group by 1, 2
        ),
        ttft_histograms as (
          select date_trunc(${options.bucket}, p.at) as bucket, h.i, sum(h.n)::bigint as n
          from parts p cross join lateral unnest(p.ttft_histogram) with ordinality as h(n, i) group by 1, 2
        )
        select s.*, (select array_agg(h.n order by h.i) from histograms h where h.bucket = s.bucket) as histogram,
          (select array_agg(t.n order by t.i) from ttft_histograms t where t.bucket = s.bucket) as ttft_histogram
        from sums s order by 1`,
  );
  return rows.map((row) => ({
    bucket: new Date(row.bucket as string),
    requests: Number(row.requests),
    errors: Number(row.errors),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    costUsd: String(row.cost_usd),
    cacheHits: Number(row.cache_hits),
    cacheSavedUsd: String(row.cache_saved_usd),
    cachedInputTokens: Number(row.cached_input_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
    promptCacheSavedUsd: String(row.prompt_cache_saved_usd),
    histogram: parseIntArray(row.histogram),
    ttftHistogram: parseIntArray(row.ttft_histogram),
  }));
}

/** An int[] as either driver returns it (an array, or PostgreSQL's text form "{1,2}"). */
function parseIntArray(value: unknown): number[] {
  if (Array.isArray(value)) return value.map(Number);
  if (typeof value === "string") return value.replace(/[{}]/g, "").split(",").filter(Boolean).map(Number);
  return [];
}

/**
 * The Overview's totals and series from the rollups: sums exact (they equal the ledger's), latency p50 / p95 from the
 * hourly histograms (approximate within a bucket, see histogramPercentile).
 */
export async function overviewFromRollups(db: Executor, orgId: string, options: { from: Date; to: Date; bucket: "hour" | "day" }): Promise<{ totals: OverviewTotals; series: OverviewBucket[] }> {
  const buckets = await overviewBucketsFromRollups(db, orgId, options);
  const all: number[] = [];
  const allTtft: number[] = [];
  let cost = 0n;
  let saved = 0n;
  let promptSaved = 0n;
  const totals = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cacheHits: 0, cachedInputTokens: 0, cacheWriteTokens: 0 };
  const series = buckets.map(({ histogram, ttftHistogram, ...bucket }) => {
    addHistograms(all, histogram);
    addHistograms(allTtft, ttftHistogram);
    cost += decimalToPicos(bucket.costUsd);
    saved += decimalToPicos(bucket.cacheSavedUsd);
    totals.cacheHits += bucket.cacheHits;
    totals.cachedInputTokens += bucket.cachedInputTokens;
    totals.cacheWriteTokens += bucket.cacheWriteTokens;
    promptSaved += signedPicos(bucket.promptCacheSavedUsd);
    totals.requests += bucket.requests;
    totals.errors += bucket.errors;
    totals.inputTokens += bucket.inputTokens;
    totals.outputTokens += bucket.outputTokens;
    return { ...bucket, ...percentiles(histogram, ttftHistogram) };
  });
  return { totals: { ...totals, costUsd: buckets.length === 0 ? "0" : picosToDecimal(cost), cacheSavedUsd: buckets.length === 0 ? "0" : picosToDecimal(saved), promptCacheSavedUsd: signedDecimal(promptSaved), ...percentiles(all, allTtft) }, series };
}

function percentiles(latency: readonly number[], ttft: readonly number[]) {
  return {
    p50Ms: histogramPercentile(latency, 0.5),
    p95Ms: histogramPercentile(latency, 0.95),
    p99Ms: histogramPercentile(latency, 0.99),
    ttftP50Ms: histogramPercentile(ttft, 0.5),
    ttftP95Ms: histogramPercentile(ttft, 0.95),
    ttftP99Ms: histogramPercentile(ttft, 0.99),
  };
}

/** numeric(…, 12) text ("12.000000000345", never negative here) → picodollars, and back: exact, no float. */
function decimalToPicos(text: string): bigint {
  const [whole, fraction = ""] = text.split(".");
  return BigInt(whole) * 10n ** 12n + BigInt(fraction.padEnd(12, "0").slice(0, 12) || "0");
}

/** A prompt-cache saving can be negative (writes outweighing reads). */
function signedPicos(text: string): bigint {
  return text.startsWith("-") ? -decimalToPicos(text.slice(1)) : decimalToPicos(text);
}

function signedDecimal(picos: bigint): string {
  return picos < 0n ? `-${picosToDecimal(-picos)}` : picosToDecimal(picos);
}

function picosToDecimal(picos: bigint): string {
  return `${picos / 10n ** 12n}.${(picos % 10n ** 12n).toString().padStart(12, "0")}`;
}
