import { and, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { executeRows, type Executor } from "../client";
import { periodCloses } from "../schema";
import { reportJoins, type ReportGroup, type ReportGrouping, type ReportScope } from "./usage-reports";

export type PeriodCloseRow = typeof periodCloses.$inferSelect;

/**
 * Closes a month in one statement: the close row with its totals, one frozen line per dimension
 * combination and the ids of the charged rows it counted, all from the same read of the ledger.
 * Returns the close.
 */
export async function insertPeriodClose(tx: Executor, close: { orgId: string; month: string; timeZone: string; periodStart: Date; periodEnd: Date; closedBy: string }): Promise<PeriodCloseRow> {
  const [row] = await executeRows<{ id: string }>(
    tx,
    sql`with source as materialized (
          select u.id, u.team_id, u.key_id, u.end_user, u.requested_model as model, u.provider, m.region, coalesce(k.cost_centre, t.cost_centre) as tag,
                 u.input_tokens, u.output_tokens, u.cached_input_tokens, u.cost_usd
          from usage_ledger u ${reportJoins}
          where u.org_id = ${close.orgId} and u.started_at >= ${close.periodStart.toISOString()} and u.started_at < ${close.periodEnd.toISOString()}
        ),
        lines as (
          select team_id, key_id, end_user, model, provider, region, tag,
                 count(*)::int as requests, sum(input_tokens)::bigint as input_tokens, sum(output_tokens)::bigint as output_tokens,
                 sum(cached_input_tokens)::bigint as cached_input_tokens, sum(cost_usd) as cost_usd
          from source
          group by team_id, key_id, end_user, model, provider, region, tag
        ),
        close as (
          insert into period_closes (org_id, month, time_zone, period_start, period_end, requests, input_tokens, output_tokens, cached_input_tokens, cost_usd, closed_by, requests_frozen)
          select ${close.orgId}, ${close.month}, ${close.timeZone}, ${close.periodStart.toISOString()}, ${close.periodEnd.toISOString()},
                 coalesce(sum(requests), 0), coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0), coalesce(sum(cached_input_tokens), 0), coalesce(sum(cost_usd), 0), ${close.closedBy}, true
          from lines
          returning id
        ),
        frozen as (
          insert into period_close_lines (close_id, team_id, key_id, end_user, model, provider, region, tag, requests, input_tokens, output_tokens, cached_input_tokens, cost_usd)
          select close.id, team_id, key_id, end_user, model, provider, region, tag, requests, input_tokens, output_tokens, cached_input_tokens, cost_usd from lines cross join close
          returning 1
        ),
        members as (
          -- The charged rows the FOCUS export of the closed month lists (the same read as the lines).
          insert into period_close_requests (close_id, request_id, region, tag)
          select close.id, source.id, source.region, source.tag from source cross join close
          where source.input_tokens > 0 or source.output_tokens > 0 or source.cost_usd <> 0
          returning 1
        )
        select id from close`,
  );
  const [created] = await tx.select().from(periodCloses).where(eq(periodCloses.id, row.id));
  return created;
}

/** Serialises closes and reopens of one org's month (two finance users clicking at once). */
export async function lockPeriod(tx: Executor, orgId: string, month: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`period:${orgId}:${month}`}))`);
}

export async function findOpenClose(db: Executor, orgId: string, month: string): Promise<PeriodCloseRow | undefined> {
  const [row] = await db
    .select()
    .from(periodCloses)
    .where(and(eq(periodCloses.orgId, orgId), eq(periodCloses.month, month), isNull(periodCloses.reopenedAt)));
  return row;
}

/** Every close of the org (reopened ones too), newest month first. */
export async function listPeriodCloses(db: Executor, orgId: string): Promise<PeriodCloseRow[]> {
  return db.select().from(periodCloses).where(eq(periodCloses.orgId, orgId)).orderBy(desc(periodCloses.month), desc(periodCloses.closedAt));
}

export async function markReopened(tx: Executor, id: string, reopenedBy: string): Promise<PeriodCloseRow> {
  const [row] = await tx.update(periodCloses).set({ reopenedAt: new Date(), reopenedBy }).where(eq(periodCloses.id, id)).returning();
  return row;
}

const lineGroupings: Record<ReportGrouping, { key: SQL; label: SQL }> = {
  team: { key: sql`l.team_id::text`, label: sql`max(t.name)` },
  key: { key: sql`l.key_id::text`, label: sql`max(k.name)` },
  user: { key: sql`l.end_user`, label: sql`l.end_user` },
  model: { key: sql`l.model`, label: sql`l.model` },
  provider: { key: sql`l.provider`, label: sql`l.provider` },
  region: { key: sql`l.region`, label: sql`l.region` },
  tag: { key: sql`l.tag`, label: sql`l.tag` },
};

/** A closed month's frozen groups, read from its lines (names of teams and keys as they are now). */
export async function closedReport(db: Executor, closeId: string, groupBy: ReportGrouping, options: { teamId?: string } = {}): Promise<ReportGroup[]> {
  const grouping = lineGroupings[groupBy];
  const rows = await executeRows<Record<string, unknown>>(
    db,
    sql`select ${grouping.key} as group_key, ${grouping.label} as group_label, sum(l.requests)::int as requests,
          sum(l.input_tokens)::bigint::text as input_tokens, sum(l.output_tokens)::bigint::text as output_tokens,
          sum(l.cached_input_tokens)::bigint::text as cached_input_tokens, sum(l.cost_usd)::text as cost_usd
        from period_close_lines l left join teams t on t.id = l.team_id left join virtual_keys k on k.id = l.key_id
        where l.close_id = ${closeId}${options.teamId ? sql` and l.team_id = ${options.teamId}` : sql``}
        group by ${grouping.key}
        order by sum(l.cost_usd) desc, 1 nulls last`,
  );
  return rows.map((row) => ({
    key: row.group_key === null ? null : String(row.group_key),
    label: row.group_label === null ? null : String(row.group_label),
    requests: Number(row.requests),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
    cachedInputTokens: Number(row.cached_input_tokens),
    costUsd: String(row.cost_usd),
  }));
}

export type { ReportScope };
