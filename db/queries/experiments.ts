import { and, asc, eq, sql } from "drizzle-orm";
import { executeRows, type Executor } from "../client";
import { experiments } from "../schema";

export type ExperimentRow = typeof experiments.$inferSelect;

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

/** Per variant, from the ledger: requests, errors, cost (exact decimal sums) and latency percentiles. */
export type VariantStatsRow = {
  variant: string;
  requests: number;
  errors: number;
  cost_usd: string;
  latency_p50: number | null;
  latency_p95: number | null;
  ttft_p50: number | null;
  ttft_p95: number | null;
};

export async function variantStats(db: Executor, orgId: string, experimentId: string): Promise<VariantStatsRow[]> {
  const rows = await executeRows<VariantStatsRow>(
    db,
    sql`select variant, count(*)::int as requests, count(*) filter (where status <> 'success')::int as errors, coalesce(sum(cost_usd), 0)::text as cost_usd,
          percentile_cont(0.5) within group (order by latency_ms) as latency_p50, percentile_cont(0.95) within group (order by latency_ms) as latency_p95,
          percentile_cont(0.5) within group (order by ttft_ms) as ttft_p50, percentile_cont(0.95) within group (order by ttft_ms) as ttft_p95
        from usage_ledger where org_id = ${orgId} and experiment_id = ${experimentId} group by variant order by variant`,
  );
  return rows.map((row) => ({ ...row, latency_p50: toNumber(row.latency_p50), latency_p95: toNumber(row.latency_p95), ttft_p50: toNumber(row.ttft_p50), ttft_p95: toNumber(row.ttft_p95) }));
}

const toNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value));
