import { sql, type SQL } from "drizzle-orm";
import { executeRows, type Executor } from "../client";
import { wholeDays, wholeHours } from "./usage-rollups";

/**
 * Usage reports straight from the ledger: exact numeric sums (cost_usd is numeric(24,12), summed
 * by PostgreSQL and returned as text, never a float). The groups and the total come from one
 * statement (grouping sets), so the total is the sum of the same rows the groups saw.
 */
export const reportGroupings = ["team", "key", "user", "model", "provider", "region", "tag"] as const;
export type ReportGrouping = (typeof reportGroupings)[number];

export interface ReportScope {
  orgId: string;
  from: Date;
  to: Date;
  /** Only this team's rows (a chargeback statement). */
  teamId?: string;
  /** Only these keys' rows (a developer's Overview breakdown); unset: every key. */
  keyIds?: string[];
}

/** The rows of a scope: the org, [from, to), and the team when set. */
function inScope(scope: ReportScope): SQL {
  const team = scope.teamId ? sql` and u.team_id = ${scope.teamId}` : sql``;
  return sql`u.org_id = ${scope.orgId} and u.started_at >= ${scope.from.toISOString()} and u.started_at < ${scope.to.toISOString()}${team}`;
}

export interface ReportTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: string;
  /** At the catalog price; absent where it was not recorded (a closed month's frozen lines, adjustments). */
  listCostUsd?: string;
}

export interface ReportGroup extends ReportTotals {
  /** The grouped value (a team id, a model name …); null: rows without one (no team, no tag …). */
  key: string | null;
  /** What to show: the team's or key's name, else the key itself. */
  label: string | null;
}

// The grouped value and its label. Tags: a key's own cost centre, else its team's (as they are now).
const groupings: Record<ReportGrouping, { key: SQL; label: SQL }> = {
  team: { key: sql`u.team_id::text`, label: sql`max(t.name)` },
  key: { key: sql`u.key_id::text`, label: sql`max(coalesce(k.name, u.key_prefix, k.key_prefix))` },
  user: { key: sql`u.end_user`, label: sql`u.end_user` },
  model: { key: sql`u.requested_model`, label: sql`u.requested_model` },
  provider: { key: sql`u.provider`, label: sql`u.provider` },
  region: { key: sql`m.region`, label: sql`m.region` },
  tag: { key: sql`coalesce(k.cost_centre, t.cost_centre)`, label: sql`coalesce(k.cost_centre, t.cost_centre)` },
};

/**
 * The Overview's breakdown and cost-chart groupings: the reports' from the rollups, and "owner", the console user a key
 * belongs to (top users; end users live in the ledger only, so "user" is the reports' alone).
 */
export type BreakdownGrouping = Exclude<ReportGrouping, "user"> | "owner";
const { user: _endUser, ...rollupGroupings } = groupings;
const breakdownGroupingSql: Record<BreakdownGrouping, { key: SQL; label: SQL }> = {
  ...rollupGroupings,
  owner: { key: sql`k.user_id::text`, label: sql`max(coalesce(ow.name, ow.email))` },
};

// Over parts (rollup rows and ledger rows alike, each carrying its request count): exact numerics and bigints.
const sums = sql`coalesce(sum(u.requests), 0)::int as requests,
  coalesce(sum(u.input_tokens), 0)::bigint::text as input_tokens,
  coalesce(sum(u.output_tokens), 0)::bigint::text as output_tokens,
  coalesce(sum(u.cached_input_tokens), 0)::bigint::text as cached_input_tokens,
  coalesce(sum(u.cost_usd), 0)::text as cost_usd,
  coalesce(sum(u.list_cost_usd), 0)::text as list_cost_usd`;

/**
 * The rows a report sums, as "parts": for every grouping but end user, the whole UTC days of the period from
 * usage_rollups_daily, the whole hours around them from usage_rollups_hourly, and the partial hours at its edges (a zone
 * with a 30- or 45-minute offset, a custom ISO instant) from the ledger; grouped by end user, the ledger only (the
 * rollups do not keep end users).
 */
function reportParts(scope: ReportScope, useRollups: boolean, options: { days?: boolean } = {}): SQL {
  const keys = scope.keyIds ? sql` and key_id in (${scope.keyIds.length > 0 ? sql.join(scope.keyIds.map((id) => sql`${id}::uuid`), sql`, `) : sql`null`})` : sql``;
  const team = scope.teamId ? sql` and team_id = ${scope.teamId}${keys}` : keys;
  const ledger = (range: SQL) =>
    sql`select org_id, started_at as at, team_id, key_id, key_prefix, requested_model, provider, end_user, 1 as requests, (status <> 'success')::int as errors, input_tokens, output_tokens, cached_input_tokens, cost_usd, list_cost_usd
        from usage_ledger where org_id = ${scope.orgId} and ${range}${team}`;
  const rollup = (table: SQL, column: SQL, ranges: [Date, Date][]) =>
    sql`select org_id, ${column} as at, team_id, key_id, null::text as key_prefix, requested_model, provider, null::text as end_user, requests, errors, input_tokens, output_tokens, cached_input_tokens, cost_usd, list_cost_usd
        from ${table} where org_id = ${scope.orgId} and (${sql.join(
          ranges.map(([from, to]) => sql`(${column} >= ${from.toISOString()} and ${column} < ${to.toISOString()})`),
          sql` or `,
        )})${team}`;
  const hours = useRollups ? wholeHours(scope.from, scope.to) : null;
  if (!hours) return ledger(sql`started_at >= ${scope.from.toISOString()} and started_at < ${scope.to.toISOString()}`);
  const edges = sql`((started_at >= ${scope.from.toISOString()} and started_at < ${hours.first.toISOString()}) or (started_at >= ${hours.last.toISOString()} and started_at < ${scope.to.toISOString()}))`;
  const days = options.days === false ? null : wholeDays(hours.first, hours.last);
  if (!days) return sql`${rollup(sql`usage_rollups_hourly`, sql`hour`, [[hours.first, hours.last]])} union all ${ledger(edges)}`;
  const edgeHours = ([[hours.first, days.first], [days.last, hours.last]] as [Date, Date][]).filter(([from, to]) => from < to);
  return sql`${rollup(sql`usage_rollups_daily`, sql`day`, [[days.first, days.last]])}
    ${edgeHours.length > 0 ? sql`union all ${rollup(sql`usage_rollups_hourly`, sql`hour`, edgeHours)}` : sql``}
    union all ${ledger(edges)}`;
}

/** The joins every report and export shares (a key's and a team's names and tags, the model's region). */
export const reportJoins = sql`left join virtual_keys k on k.id = u.key_id
  left join users ow on ow.id = k.user_id
  left join teams t on t.id = u.team_id
  left join models m on m.org_id = u.org_id and m.name = u.requested_model`;

function toTotals(row: Record<string, unknown>): ReportTotals {
  return {
    requests: Number(row.requests),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cachedInputTokens: Number(row.cached_input_tokens),
    costUsd: String(row.cost_usd),
    listCostUsd: String(row.list_cost_usd),
  };
}

/** Each group's totals (largest cost first) and the period's total, from one statement. */
export async function usageReport(db: Executor, scope: ReportScope, groupBy: ReportGrouping, options: { source?: "rollups" | "ledger" } = {}): Promise<{ groups: ReportGroup[]; totals: ReportTotals }> {
  const grouping = groupings[groupBy];
  const parts = reportParts(scope, groupBy !== "user" && options.source !== "ledger");
  const rows = await executeRows<Record<string, unknown>>(
    db,
    sql`select grouping(${grouping.key}) as is_total, ${grouping.key} as group_key, ${grouping.label} as group_label, ${sums}
        from (${parts}) u ${reportJoins}
        group by grouping sets ((${grouping.key}), ())
        order by grouping(${grouping.key}) desc, sum(u.cost_usd) desc nulls last, 2 nulls last`,
  );
  const totalRow = rows.find((row) => Number(row.is_total) === 1);
  const groups = rows
    .filter((row) => Number(row.is_total) !== 1)
    .map((row) => ({ key: row.group_key === null ? null : String(row.group_key), label: row.group_label === null ? null : String(row.group_label), ...toTotals(row) }));
  return { groups, totals: totalRow ? toTotals(totalRow) : { requests: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: "0", listCostUsd: "0" } };
}

export interface BreakdownRow {
  key: string | null;
  label: string | null;
  requests: number;
  errors: number;
  costUsd: string;
}

/**
 * The Overview's "where the cost goes": the `limit` largest groups by cost (then requests) over a scope, from the
 * same rollup-backed parts as the reports, with their error counts, and how many groups there are in all.
 */
export async function usageBreakdown(db: Executor, scope: ReportScope, groupBy: BreakdownGrouping, limit: number): Promise<{ rows: BreakdownRow[]; groups: number }> {
  const grouping = breakdownGroupingSql[groupBy];
  const rows = await executeRows<Record<string, unknown>>(
    db,
    sql`select ${grouping.key} as group_key, ${grouping.label} as group_label, coalesce(sum(u.requests), 0)::int as requests,
          coalesce(sum(u.errors), 0)::int as errors, coalesce(sum(u.cost_usd), 0)::text as cost_usd, count(*) over ()::int as groups
        from (${reportParts(scope, true)}) u ${reportJoins}
        group by 1
        order by sum(u.cost_usd) desc nulls last, sum(u.requests) desc, 1 nulls last
        limit ${limit}`,
  );
  return {
    rows: rows.map((row) => ({ key: row.group_key === null ? null : String(row.group_key), label: row.group_label === null ? null : String(row.group_label), requests: Number(row.requests), errors: Number(row.errors), costUsd: String(row.cost_usd) })),
    groups: rows.length > 0 ? Number(rows[0].groups) : 0,
  };
}

export interface CostSeries {
  /** The `top` largest groups of the whole range by cost, largest first. */
  groups: { key: string | null; label: string | null; costUsd: string }[];
  /** Per UTC bucket (hour or day), each top group's cost (exact decimal strings; "0" where it had none) and the rest. */
  points: { bucket: Date; costs: string[]; otherUsd: string }[];
}

/**
 * Cost over time by group (the Overview's stacked chart): hour buckets read whole hours from usage_rollups_hourly,
 * day buckets whole days from usage_rollups_daily, the edges from the ledger, as the reports do.
 */
export async function usageCostSeries(db: Executor, scope: ReportScope, groupBy: BreakdownGrouping, bucket: "hour" | "day", top: number): Promise<CostSeries> {
  const grouping = breakdownGroupingSql[groupBy];
  // One statement: the cells (bucket × group), each group's rank by its total, and per bucket the top groups' sums and
  // the rest's (slot 0). Exact numerics throughout, returned as text.
  const rows = await executeRows<{ bucket: Date | string; slot: number; group_key: string | null; group_label: string | null; group_total: string; cost_usd: string }>(
    db,
    sql`with cells as (
          select date_trunc(${bucket}, u.at, 'UTC') as bucket, ${grouping.key} as group_key, ${grouping.label} as group_label, coalesce(sum(u.cost_usd), 0) as cost
          from (${reportParts(scope, true, { days: bucket === "day" })}) u ${reportJoins}
          group by 1, 2),
        ranked as (
          select group_key, max(group_label) as group_label, sum(cost) as total, row_number() over (order by sum(cost) desc, group_key nulls last) as rank
          from cells group by group_key),
        slots as (
          select group_key, case when rank <= ${top} then rank::int else 0 end as slot,
            case when rank <= ${top} then group_key end as shown_key, case when rank <= ${top} then group_label end as shown_label,
            case when rank <= ${top} then total end as shown_total
          from ranked)
        select c.bucket, s.slot, max(s.shown_key) as group_key, max(s.shown_label) as group_label, coalesce(max(s.shown_total), 0)::text as group_total,
          sum(c.cost)::text as cost_usd
        from cells c join slots s on s.group_key is not distinct from c.group_key
        group by 1, 2
        order by 1, 2`,
  );
  const groups: CostSeries["groups"] = [];
  const points = new Map<number, { bucket: Date; costs: string[]; otherUsd: string }>();
  for (const row of rows) if (row.slot > 0 && !groups[row.slot - 1]) groups[row.slot - 1] = { key: row.group_key, label: row.group_label, costUsd: row.group_total };
  for (const row of rows) {
    const at = new Date(row.bucket);
    let point = points.get(at.getTime());
    if (!point) points.set(at.getTime(), (point = { bucket: at, costs: groups.map(() => "0"), otherUsd: "0" }));
    if (row.slot === 0) point.otherUsd = row.cost_usd;
    else point.costs[row.slot - 1] = row.cost_usd;
  }
  return { groups, points: [...points.values()] };
}

/** Ledger rows that carry a charge (tokens or cost): the rows a FOCUS export writes. */
const chargedRows = sql`(u.input_tokens > 0 or u.output_tokens > 0 or u.cost_usd <> 0)`;

/**
 * Narrows charged rows to a close's frozen set (`frozen`: the rows it counted, with the region and tag they were
 * frozen under) or to the rows of its month it did not count (`late`: recorded after the close).
 */
export interface CloseFilter {
  closeId: string;
  rows: "frozen" | "late";
}

function closeJoin(filter?: CloseFilter): SQL {
  return filter ? sql` left join period_close_requests pc on pc.close_id = ${filter.closeId}::uuid and pc.request_id = u.id` : sql``;
}

function closeCondition(filter?: CloseFilter): SQL {
  if (!filter) return sql``;
  return filter.rows === "frozen" ? sql` and pc.request_id is not null` : sql` and pc.request_id is null`;
}

export async function countChargedRows(db: Executor, scope: ReportScope & { close?: CloseFilter }): Promise<number> {
  const [row] = await executeRows<{ count: number }>(
    db,
    sql`select count(*)::int as count from usage_ledger u${closeJoin(scope.close)}
        where ${inScope(scope)} and ${chargedRows}${closeCondition(scope.close)}`,
  );
  return Number(row.count);
}

export interface ChargeRow {
  id: string;
  startedAtMicros: string;
  /** ISO instants (UTC) of the hour the request started in, and of the org-time-zone month it belongs to. */
  hourStart: string;
  monthStart: string;
  monthEnd: string;
  orgId: string;
  orgName: string;
  teamId: string | null;
  teamName: string | null;
  keyId: string | null;
  keyName: string | null;
  keyPrefix: string | null;
  costCentre: string | null;
  endUser: string | null;
  requestedModel: string | null;
  servedModel: string | null;
  provider: string | null;
  region: string | null;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  costUsd: string;
  /** At the catalog price (usage_ledger.list_cost_usd). */
  listCostUsd: string;
  priceId: string | null;
  /** The org's own price row the request was charged at, its rates, and the provider discount applied. */
  orgPriceId: string | null;
  orgInputPerMtok: string | null;
  orgOutputPerMtok: string | null;
  orgCachedInputPerMtok: string | null;
  orgCacheWritePerMtok: string | null;
  orgCacheWrite1hPerMtok: string | null;
  discountPercent: string | null;
  inputPerMtok: string | null;
  outputPerMtok: string | null;
  cachedInputPerMtok: string | null;
  cacheWritePerMtok: string | null;
  cacheWrite1hPerMtok: string | null;
}

export interface ChargeCursor {
  startedAtMicros: string;
  id: string;
}

const iso = (expression: SQL) => sql`to_char(${expression} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/**
 * One keyset page of charged ledger rows, oldest first, with what a FOCUS row needs (names,
 * tags, the price row the request was priced with). Month boundaries are computed by
 * PostgreSQL in the org's time zone (DST-correct).
 */
export async function listChargeRows(db: Executor, scope: ReportScope & { timeZone: string; close?: CloseFilter }, page: { cursor?: ChargeCursor; limit: number }): Promise<ChargeRow[]> {
  const after = page.cursor
    ? sql` and (u.started_at, u.id) > (timestamptz 'epoch' + ${page.cursor.startedAtMicros}::bigint * interval '1 microsecond', ${page.cursor.id})`
    : sql``;
  const month = sql`(date_trunc('month', u.started_at at time zone ${scope.timeZone}) at time zone ${scope.timeZone})`;
  const monthEnd = sql`((date_trunc('month', u.started_at at time zone ${scope.timeZone}) + interval '1 month') at time zone ${scope.timeZone})`;
  const frozen = scope.close?.rows === "frozen";
  const rows = await executeRows<Record<string, unknown>>(
    db,
    sql`select u.id, (extract(epoch from u.started_at) * 1000000)::bigint::text as started_at_micros,
          ${iso(sql`date_trunc('hour', u.started_at)`)} as hour_start, ${iso(month)} as month_start, ${iso(monthEnd)} as month_end,
          u.org_id, o.name as org_name, u.team_id, t.name as team_name, u.key_id, k.name as key_name, u.key_prefix,
          ${frozen ? sql`pc.tag` : sql`coalesce(k.cost_centre, t.cost_centre)`} as cost_centre, u.end_user, u.requested_model, u.served_model, u.provider, ${frozen ? sql`pc.region` : sql`m.region`} as region,
          u.input_tokens, u.output_tokens, u.cached_input_tokens, u.cache_write_tokens, u.cache_write_1h_tokens, u.cost_usd::text as cost_usd, u.list_cost_usd::text as list_cost_usd, u.price_id,
          u.org_price_id, u.discount_percent::text as discount_percent,
          op.input_per_mtok::text as org_input_per_mtok, op.output_per_mtok::text as org_output_per_mtok,
          op.cached_input_per_mtok::text as org_cached_input_per_mtok, op.cache_write_per_mtok::text as org_cache_write_per_mtok, op.cache_write_1h_per_mtok::text as org_cache_write_1h_per_mtok,
          p.input_per_mtok::text as input_per_mtok, p.output_per_mtok::text as output_per_mtok,
          p.cached_input_per_mtok::text as cached_input_per_mtok, p.cache_write_per_mtok::text as cache_write_per_mtok, p.cache_write_1h_per_mtok::text as cache_write_1h_per_mtok
        from usage_ledger u ${reportJoins}
        join organizations o on o.id = u.org_id
        left join model_prices p on p.id = u.price_id
        left join org_model_prices op on op.id = u.org_price_id${closeJoin(scope.close)}
        where ${inScope(scope)} and ${chargedRows}${closeCondition(scope.close)}${after}
        order by u.started_at, u.id
        limit ${page.limit}`,
  );
  return rows.map((row) => ({
    id: String(row.id),
    startedAtMicros: String(row.started_at_micros),
    hourStart: String(row.hour_start),
    monthStart: String(row.month_start),
    monthEnd: String(row.month_end),
    orgId: String(row.org_id),
    orgName: String(row.org_name),
    teamId: nullable(row.team_id),
    teamName: nullable(row.team_name),
    keyId: nullable(row.key_id),
    keyName: nullable(row.key_name),
    keyPrefix: nullable(row.key_prefix),
    costCentre: nullable(row.cost_centre),
    endUser: nullable(row.end_user),
    requestedModel: nullable(row.requested_model),
    servedModel: nullable(row.served_model),
    provider: nullable(row.provider),
    region: nullable(row.region),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cachedInputTokens: Number(row.cached_input_tokens),
    cacheWriteTokens: Number(row.cache_write_tokens),
    cacheWrite1hTokens: Number(row.cache_write_1h_tokens ?? 0),
    costUsd: String(row.cost_usd),
    listCostUsd: String(row.list_cost_usd),
    priceId: nullable(row.price_id),
    orgPriceId: nullable(row.org_price_id),
    orgInputPerMtok: nullable(row.org_input_per_mtok),
    orgOutputPerMtok: nullable(row.org_output_per_mtok),
    orgCachedInputPerMtok: nullable(row.org_cached_input_per_mtok),
    orgCacheWritePerMtok: nullable(row.org_cache_write_per_mtok),
    orgCacheWrite1hPerMtok: nullable(row.org_cache_write_1h_per_mtok),
    discountPercent: nullable(row.discount_percent),
    inputPerMtok: nullable(row.input_per_mtok),
    outputPerMtok: nullable(row.output_per_mtok),
    cachedInputPerMtok: nullable(row.cached_input_per_mtok),
    cacheWritePerMtok: nullable(row.cache_write_per_mtok),
    cacheWrite1hPerMtok: nullable(row.cache_write_1h_per_mtok),
  }));
}

function nullable(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
