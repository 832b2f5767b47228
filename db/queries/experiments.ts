import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { executeRows, type Executor } from "../client";
import { experiments, experimentVersions, teams, virtualKeys } from "../schema";

export type ExperimentRow = typeof experiments.$inferSelect;
export type ExperimentVersionRow = typeof experimentVersions.$inferSelect;

export async function insertExperimentVersion(tx: Executor, values: typeof experimentVersions.$inferInsert): Promise<ExperimentVersionRow> {
  const [row] = await tx.insert(experimentVersions).values(values).returning();
  return row;
}

/** Every admin-made version of the experiment's settings, newest first. */
export async function listExperimentVersions(db: Executor, orgId: string, experimentId: string): Promise<ExperimentVersionRow[]> {
  return db.select().from(experimentVersions).where(and(eq(experimentVersions.orgId, orgId), eq(experimentVersions.experimentId, experimentId))).orderBy(desc(experimentVersions.version));
}

export async function findExperimentVersion(db: Executor, orgId: string, experimentId: string, version: number): Promise<ExperimentVersionRow | undefined> {
  const [row] = await db.select().from(experimentVersions).where(and(eq(experimentVersions.orgId, orgId), eq(experimentVersions.experimentId, experimentId), eq(experimentVersions.version, version)));
  return row;
}

/**
 * An admin edit or restore: writes the settings and bumps the version, only if the row is still as `seen` (same
 * version and no rollback or bandit split since it was read).
 */
export async function updateExperimentSettings(tx: Executor, seen: ExperimentRow, patch: Pick<ExperimentRow, "variants" | "guardrails" | "scope" | "bandit">): Promise<ExperimentRow | undefined> {
  const [row] = await tx
    .update(experiments)
    .set({ ...patch, version: seen.version + 1, updatedAt: new Date() })
    .where(
      and(
        eq(experiments.orgId, seen.orgId),
        eq(experiments.id, seen.id),
        eq(experiments.version, seen.version),
        sql`date_trunc('milliseconds', ${experiments.updatedAt}) = date_trunc('milliseconds', ${seen.updatedAt.toISOString()}::timestamptz)`,
      ),
    )
    .returning();
  return row;
}

/** The ids among `keyIds` / `teamIds` that name no key / team of the org (scope validation). */
export async function findUnknownScopeIds(db: Executor, orgId: string, keyIds: string[], teamIds: string[]): Promise<{ keyIds: string[]; teamIds: string[] }> {
  const [keyRows, teamRows] = await Promise.all([
    keyIds.length ? db.select({ id: virtualKeys.id }).from(virtualKeys).where(and(eq(virtualKeys.orgId, orgId), inArray(virtualKeys.id, keyIds))) : [],
    teamIds.length ? db.select({ id: teams.id }).from(teams).where(and(eq(teams.orgId, orgId), inArray(teams.id, teamIds))) : [],
  ]);
  const knownKeys = new Set(keyRows.map((row) => row.id));
  const knownTeams = new Set(teamRows.map((row) => row.id));
  return { keyIds: keyIds.filter((id) => !knownKeys.has(id)), teamIds: teamIds.filter((id) => !knownTeams.has(id)) };
}

export async function listExperimentRows(db: Executor, orgId: string): Promise<ExperimentRow[]> {
  return db.select().from(experiments).where(eq(experiments.orgId, orgId)).orderBy(asc(experiments.name));
}

export async function findExperiment(db: Executor, orgId: string, id: string): Promise<ExperimentRow | undefined> {
  const [row] = await db.select().from(experiments).where(and(eq(experiments.orgId, orgId), eq(experiments.id, id)));
  return row;
}

export async function findRunningExperimentOn(db: Executor, orgId: string, model: string): Promise<ExperimentRow | undefined> {
  const [row] = await db.select().from(experiments).where(and(eq(experiments.orgId, orgId), eq(experiments.model, model), eq(experiments.status, "running")));
  return row;
}

export async function insertExperiment(tx: Executor, values: typeof experiments.$inferInsert): Promise<ExperimentRow> {
  const [row] = await tx.insert(experiments).values(values).returning();
  return row;
}

export async function updateExperimentStatus(tx: Executor, orgId: string, id: string, status: ExperimentRow["status"]): Promise<ExperimentRow | undefined> {
  const [row] = await tx.update(experiments).set({ status, updatedAt: new Date() }).where(and(eq(experiments.orgId, orgId), eq(experiments.id, id))).returning();
  return row;
}

/** Per variant, from the ledger (requests, errors, exact cost, latency of successful requests) and the feedback table. */
export interface VariantMetricsRow {
  variant: string;
  requests: number;
  errors: number;
  /** Exact decimal sum. */
  cost_usd: string;
  cost_mean: number | null;
  cost_variance: number | null;
  successes: number;
  latency_mean: number | null;
  latency_variance: number | null;
  latency_p50: number | null;
  latency_p95: number | null;
  ttft_p50: number | null;
  ttft_p95: number | null;
  thumbs_up: number;
  thumbs: number;
  tasks_completed: number;
  tasks: number;
  score_mean: number | null;
  score_variance: number | null;
  scores: number;
}

/** One variant's hour or day: for the experiment page's charts. */
export interface VariantSeriesRow {
  bucket: string;
  variant: string;
  requests: number;
  errors: number;
  cost_usd: string;
  thumbs_up: number;
  thumbs: number;
}

/**
 * Everything the experiment page shows, in one statement: per-variant aggregates from usage_ledger (index
 * usage_ledger_experiment_idx) and request_feedback (request_feedback_experiment_idx), and the same per hour or day.
 */
export async function experimentMetrics(db: Executor, orgId: string, experimentId: string, bucket: "hour" | "day"): Promise<{ variants: VariantMetricsRow[]; series: VariantSeriesRow[] }> {
  const [row] = await executeRows<{ variants: VariantMetricsRow[] | string | null; series: VariantSeriesRow[] | string | null }>(
    db,
    sql`with ledger as (
          select variant, started_at, status, cost_usd, latency_ms, ttft_ms from usage_ledger where org_id = ${orgId} and experiment_id = ${experimentId} and variant is not null
        ), feedback as (
          select variant, metric, value, created_at from request_feedback where org_id = ${orgId} and experiment_id = ${experimentId} and variant is not null and metric <> 'comment'
        ), ledger_totals as (
          select variant, count(*)::int as requests, count(*) filter (where status <> 'success')::int as errors, coalesce(sum(cost_usd), 0)::text as cost_usd,
            avg(cost_usd)::float8 as cost_mean, var_samp(cost_usd)::float8 as cost_variance, count(*) filter (where status = 'success')::int as successes,
            (avg(latency_ms) filter (where status = 'success'))::float8 as latency_mean, (var_samp(latency_ms) filter (where status = 'success'))::float8 as latency_variance,
            (percentile_cont(0.5) within group (order by latency_ms) filter (where status = 'success'))::float8 as latency_p50,
            (percentile_cont(0.95) within group (order by latency_ms) filter (where status = 'success'))::float8 as latency_p95,
            (percentile_cont(0.5) within group (order by ttft_ms) filter (where status = 'success'))::float8 as ttft_p50,
            (percentile_cont(0.95) within group (order by ttft_ms) filter (where status = 'success'))::float8 as ttft_p95
          from ledger group by variant
        ), feedback_totals as (
          select variant, (count(*) filter (where metric = 'thumbs' and value = 1))::int as thumbs_up, (count(*) filter (where metric = 'thumbs'))::int as thumbs,
            (count(*) filter (where metric = 'task_completed' and value = 1))::int as tasks_completed, (count(*) filter (where metric = 'task_completed'))::int as tasks,
            (avg(value) filter (where metric = 'score'))::float8 as score_mean, (var_samp(value) filter (where metric = 'score'))::float8 as score_variance,
            (count(*) filter (where metric = 'score'))::int as scores
          from feedback group by variant
        ), ledger_series as (
          select date_trunc(${bucket}, started_at) as bucket, variant, count(*)::int as requests, count(*) filter (where status <> 'success')::int as errors, coalesce(sum(cost_usd), 0)::text as cost_usd
          from ledger group by 1, 2
        ), feedback_series as (
          select date_trunc(${bucket}, created_at) as bucket, variant, (count(*) filter (where metric = 'thumbs' and value = 1))::int as thumbs_up, (count(*) filter (where metric = 'thumbs'))::int as thumbs
          from feedback group by 1, 2
        )
        select
          (select json_agg(json_build_object('variant', coalesce(l.variant, f.variant), 'requests', coalesce(l.requests, 0), 'errors', coalesce(l.errors, 0), 'cost_usd', coalesce(l.cost_usd, '0'),
              'cost_mean', l.cost_mean, 'cost_variance', l.cost_variance, 'successes', coalesce(l.successes, 0), 'latency_mean', l.latency_mean, 'latency_variance', l.latency_variance,
              'latency_p50', l.latency_p50, 'latency_p95', l.latency_p95, 'ttft_p50', l.ttft_p50, 'ttft_p95', l.ttft_p95,
              'thumbs_up', coalesce(f.thumbs_up, 0), 'thumbs', coalesce(f.thumbs, 0), 'tasks_completed', coalesce(f.tasks_completed, 0), 'tasks', coalesce(f.tasks, 0),
              'score_mean', f.score_mean, 'score_variance', f.score_variance, 'scores', coalesce(f.scores, 0)))
            from ledger_totals l full join feedback_totals f on f.variant = l.variant) as variants,
          (select json_agg(json_build_object('bucket', to_char(coalesce(l.bucket, f.bucket) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'variant', coalesce(l.variant, f.variant),
              'requests', coalesce(l.requests, 0), 'errors', coalesce(l.errors, 0), 'cost_usd', coalesce(l.cost_usd, '0'), 'thumbs_up', coalesce(f.thumbs_up, 0), 'thumbs', coalesce(f.thumbs, 0))
              order by coalesce(l.bucket, f.bucket), coalesce(l.variant, f.variant))
            from ledger_series l full join feedback_series f on f.bucket = l.bucket and f.variant = l.variant) as series`,
  );
  const parse = <T>(value: T[] | string | null | undefined): T[] => (typeof value === "string" ? (JSON.parse(value) as T[]) : (value ?? []));
  return { variants: parse(row?.variants), series: parse(row?.series) };
}

/** Guardrail rollback, manual rollback and promotion: only if the experiment is still as it was read (one winner among replicas). */
export async function updateExperimentIf(tx: Executor, orgId: string, id: string, seenUpdatedAt: Date, patch: Partial<Pick<ExperimentRow, "variants" | "events" | "status" | "winner" | "splitAt">>): Promise<ExperimentRow | undefined> {
  const [row] = await tx
    .update(experiments)
    .set({ ...patch, updatedAt: new Date() })
        // Dates in JS hold milliseconds, the column microseconds.
    .where(and(eq(experiments.orgId, orgId), eq(experiments.id, id), sql`date_trunc('milliseconds', ${experiments.updatedAt}) = date_trunc('milliseconds', ${seenUpdatedAt.toISOString()}::timestamptz)`))
    .returning();
  return row;
}

/** Running experiments of every org that have a guardrail threshold (the evaluator's one list query). */
export async function listGuardedExperiments(db: Executor): Promise<ExperimentRow[]> {
  return db
    .select()
    .from(experiments)
    .where(and(eq(experiments.status, "running"), sql`(${experiments.guardrails} ? 'max_error_rate' or ${experiments.guardrails} ? 'max_p95_latency_ratio')`));
}

/** Running experiments of every org in bandit mode (the bandit's one list query per pass). */
export async function listBanditExperiments(db: Executor): Promise<ExperimentRow[]> {
  return db.select().from(experiments).where(and(eq(experiments.status, "running"), sql`${experiments.bandit} is not null and ${experiments.bandit} <> 'null'::jsonb`));
}
