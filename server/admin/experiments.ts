import { z } from "zod";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import type { ExperimentScope } from "@/db/schema/experiments";
import { experimentMetrics, findExperiment, findRunningExperimentOn, findUnknownScopeIds, insertExperiment, insertExperimentVersion, listExperimentRows, updateExperimentStatus, type ExperimentRow, type VariantMetricsRow } from "@/db/queries/experiments";
import { findModelGroupByName } from "@/db/queries/model-groups";
import { compareVariants, type MetricComparison } from "@/server/experiments/readout";
import { findModelByName } from "@/db/queries/models";
import { decimalToPicos, picosToDecimal } from "@/server/gateway/pricing";
import { can } from "./permissions";
import { failure, isUniqueViolation, ok, type Actor, type ServiceResult } from "./service-result";

const modelName = z.string().trim().min(1).max(256);

const variantName = z.string().trim().regex(/^[A-Za-z0-9._-]{1,32}$/, "letters, digits, '.', '_' or '-', at most 32");
export const guardrailsSchema = z
  .object({ max_error_rate: z.number().min(0).max(1).optional(), max_p95_latency_ratio: z.number().min(1).max(100).optional(), min_requests: z.number().int().min(1).max(1_000_000).default(30) })
  .strict();
/** Only these keys, and keys of these teams, are assigned (both empty: every key of the org). */
export const scopeSchema = z.object({ key_ids: z.array(z.uuid()).max(200).default([]), team_ids: z.array(z.uuid()).max(200).default([]) }).strict();
/** Thompson sampling over a binary reward; every variant not rolled back keeps `min_share` percent. */
export const banditSchema = z.object({ reward: z.enum(["success", "thumbs_up", "task_completed"]), min_share: z.number().int().min(0).max(50).default(10) }).strict();

/** What is wrong with a split: weights that do not add up to 100, or a bandit minimum share not every variant can get. */
export function splitProblem(weights: number[], bandit: { min_share: number } | null | undefined): { field: "weights" | "bandit.min_share"; message: string } | null {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total !== 100) return { field: "weights", message: `the weights add up to ${total}, not 100` };
  if (bandit && bandit.min_share * weights.length > 100) return { field: "bandit.min_share", message: `${weights.length} variants cannot each keep ${bandit.min_share} %` };
  return null;
}

/** POST /api/admin/experiments: a draft experiment splitting `model` between variants whose weights add up to 100. */
export const createExperimentInputSchema = z
  .object({
    name: z.string().trim().min(1).max(128),
    model: modelName,
    variants: z
      .array(z.object({ name: variantName, weight: z.number().int().min(0).max(100), target: modelName }))
      .min(2)
      .max(10),
    guardrails: guardrailsSchema.optional(),
    scope: scopeSchema.optional(),
    bandit: banditSchema.nullish(),
  })
  .superRefine((input, context) => {
    const problem = splitProblem(input.variants.map((variant) => variant.weight), input.bandit);
    if (problem) context.addIssue({ code: "custom", path: problem.field === "weights" ? ["variants"] : ["bandit", "min_share"], message: problem.message });
    const names = new Set<string>();
    input.variants.forEach((variant, index) => {
      if (names.has(variant.name)) context.addIssue({ code: "custom", path: ["variants", index, "name"], message: `variant "${variant.name}" is named twice` });
      names.add(variant.name);
    });
  });
export type CreateExperimentInput = z.infer<typeof createExperimentInputSchema>;
export const experimentStatusInputSchema = z.object({ status: z.enum(["running", "paused", "stopped"]) });

const allowedMoves: Record<ExperimentRow["status"], ExperimentRow["status"][]> = { draft: ["running", "stopped"], running: ["paused", "stopped"], paused: ["running", "stopped"], stopped: [] };
const cannotRead = failure({ code: "forbidden", message: "Your role cannot view experiments." });
const cannotWrite = failure({ code: "forbidden", message: "Your role cannot manage experiments." });
const noExperiment = failure({ code: "not_found", message: "No such experiment." });

export async function listExperiments(db: Database, actor: Actor): Promise<ServiceResult<ExperimentRow[]>> {
  if (!can(actor.role, "routing:read")) return cannotRead;
  return ok(await listExperimentRows(db, actor.orgId));
}

async function isKnownName(db: Database, orgId: string, name: string): Promise<boolean> {
  return Boolean((await findModelByName(db, orgId, name)) ?? (await findModelGroupByName(db, orgId, name)));
}

/** The scope's ids must name keys and teams of the actor's org (400 naming the first unknown one). */
export async function checkScope(db: Database, orgId: string, scope: ExperimentScope): Promise<ServiceResult<ExperimentScope>> {
  const unknown = await findUnknownScopeIds(db, orgId, scope.key_ids, scope.team_ids);
  if (unknown.keyIds.length) return failure({ code: "invalid", message: `scope.key_ids: ${unknown.keyIds[0]} names no key of the organization.`, field: `scope.key_ids.${scope.key_ids.indexOf(unknown.keyIds[0])}` });
  if (unknown.teamIds.length) return failure({ code: "invalid", message: `scope.team_ids: ${unknown.teamIds[0]} names no team of the organization.`, field: `scope.team_ids.${scope.team_ids.indexOf(unknown.teamIds[0])}` });
  return ok({ key_ids: [...new Set(scope.key_ids)], team_ids: [...new Set(scope.team_ids)] });
}

export async function createExperiment(db: Database, actor: Actor, input: CreateExperimentInput): Promise<ServiceResult<ExperimentRow>> {
  if (!can(actor.role, "routing:write")) return cannotWrite;
  const scope = await checkScope(db, actor.orgId, { key_ids: input.scope?.key_ids ?? [], team_ids: input.scope?.team_ids ?? [] });
  if (!scope.ok) return scope;
  if (!(await isKnownName(db, actor.orgId, input.model))) return failure({ code: "invalid", message: "model names no model or group of the organization.", field: "model" });
  for (const [index, variant] of input.variants.entries()) {
    if (!(await isKnownName(db, actor.orgId, variant.target))) return failure({ code: "invalid", message: `variants[${index}].target names no model or group of the organization.`, field: `variants.${index}.target` });
  }
  try {
    const row = await db.transaction(async (tx) => {
      const settings = { variants: input.variants, guardrails: input.guardrails ?? { min_requests: 30 }, scope: scope.value, bandit: input.bandit ?? null };
      const created = await insertExperiment(tx, { orgId: actor.orgId, name: input.name, model: input.model, ...settings, version: 1 });
      await insertExperimentVersion(tx, { experimentId: created.id, orgId: actor.orgId, version: 1, ...settings, createdBy: actor.id, note: "created" });
      await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "experiment.create", targetType: "experiment", targetId: created.id, after: created });
      return created;
    });
    return ok(row);
  } catch (error) {
    if (isUniqueViolation(error)) return failure({ code: "conflict", message: "An experiment with that name exists already.", field: "name" });
    throw error;
  }
}

/** Start (draft or paused → running), pause, stop (final). One running experiment per model name. */
export async function setExperimentStatus(db: Database, actor: Actor, id: string, status: z.infer<typeof experimentStatusInputSchema>["status"]): Promise<ServiceResult<ExperimentRow>> {
  if (!can(actor.role, "routing:write")) return cannotWrite;
  const existing = await findExperiment(db, actor.orgId, id);
  if (!existing) return noExperiment;
  if (!allowedMoves[existing.status].includes(status)) return failure({ code: "invalid", message: `A ${existing.status} experiment cannot become ${status}.`, field: "status" });
  if (status === "running") {
    const other = await findRunningExperimentOn(db, actor.orgId, existing.model);
    if (other && other.id !== id) return failure({ code: "conflict", message: `Experiment "${other.name}" already runs on ${existing.model}.`, field: "status" });
  }
  const row = await db.transaction(async (tx) => {
    const updated = (await updateExperimentStatus(tx, actor.orgId, id, status))!;
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: `experiment.${status === "running" ? "start" : status === "paused" ? "pause" : "stop"}`, targetType: "experiment", targetId: id, before: existing, after: updated });
    await notifyConfigChanged(tx, "experiments");
    return updated;
  });
  return ok(row);
}

export interface VariantResult {
  variant: string;
  target: string | null;
  weight: number;
  requests: number;
  errors: number;
  errorRate: number | null;
  /** Exact decimal dollars. */
  costUsd: string;
  costPerRequestUsd: string | null;
  /** Latency and time to first token of successful requests. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
  /** From POST /v1/feedback. */
  thumbsUp: number;
  thumbsRated: number;
  thumbsUpRate: number | null;
  meanScore: number | null;
  scoresRated: number;
  tasksCompleted: number;
  tasksRated: number;
  taskCompletionRate: number | null;
}

export interface SeriesPoint {
  bucket: string;
  variant: string;
  requests: number;
  errorRate: number | null;
  /** Exact decimal dollars. */
  costPerRequestUsd: string | null;
  thumbsUpRate: number | null;
}

export interface ExperimentResults {
  variants: VariantResult[];
  /** Each variant after the first against the first (the control). */
  comparisons: { variant: string; control: string; metrics: MetricComparison[] }[];
  /** Per hour while the experiment is under three days old, per day after. */
  bucket: "hour" | "day";
  series: SeriesPoint[];
}

const emptyMetrics = (variant: string): VariantMetricsRow => ({
  variant, requests: 0, errors: 0, cost_usd: "0", cost_mean: null, cost_variance: null, successes: 0, latency_mean: null, latency_variance: null, latency_p50: null, latency_p95: null,
  ttft_p50: null, ttft_p95: null, thumbs_up: 0, thumbs: 0, tasks_completed: 0, tasks: 0, score_mean: null, score_variance: null, scores: 0,
});
const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const perRequest = (costUsd: string, requests: number) => (requests > 0 ? picosToDecimal(decimalToPicos(costUsd) / BigInt(requests)) : null);

/** The metrics and the statistics readout of one experiment: one metrics query (db/queries/experiments.ts experimentMetrics). */
export async function readExperimentResults(db: Database, row: ExperimentRow, now = new Date()): Promise<ExperimentResults> {
  const bucket = now.getTime() - row.createdAt.getTime() < 3 * 86_400_000 ? "hour" : "day";
  const metrics = await experimentMetrics(db, row.orgId, row.id, bucket);
  const byName = new Map(metrics.variants.map((entry) => [entry.variant, entry]));
  const rows = row.variants.map((variant) => byName.get(variant.name) ?? emptyMetrics(variant.name));
  const variants = row.variants.map((variant, index): VariantResult => {
    const entry = rows[index];
    return {
      variant: variant.name,
      target: variant.target,
      weight: variant.weight,
      requests: entry.requests,
      errors: entry.errors,
      errorRate: rate(entry.errors, entry.requests),
      costUsd: picosToDecimal(decimalToPicos(entry.cost_usd)),
      costPerRequestUsd: perRequest(entry.cost_usd, entry.requests),
      latencyP50Ms: entry.latency_p50,
      latencyP95Ms: entry.latency_p95,
      ttftP50Ms: entry.ttft_p50,
      ttftP95Ms: entry.ttft_p95,
      thumbsUp: entry.thumbs_up,
      thumbsRated: entry.thumbs,
      thumbsUpRate: rate(entry.thumbs_up, entry.thumbs),
      meanScore: entry.score_mean,
      scoresRated: entry.scores,
      tasksCompleted: entry.tasks_completed,
      tasksRated: entry.tasks,
      taskCompletionRate: rate(entry.tasks_completed, entry.tasks),
    };
  });
  const comparisons = rows.slice(1).map((entry) => ({ variant: entry.variant, control: rows[0].variant, metrics: compareVariants(rows[0], entry) }));
  const series = metrics.series.map((point): SeriesPoint => ({ bucket: point.bucket, variant: point.variant, requests: point.requests, errorRate: rate(point.errors, point.requests), costPerRequestUsd: perRequest(point.cost_usd, point.requests), thumbsUpRate: rate(point.thumbs_up, point.thumbs) }));
  return { variants, comparisons, bucket, series };
}

/** The experiment with its results (tRPC experiments.get, GET /api/admin/experiments/:id). */
export async function getExperiment(db: Database, actor: Actor, id: string): Promise<ServiceResult<ExperimentRow & { results: VariantResult[] }>> {
  if (!can(actor.role, "routing:read")) return cannotRead;
  const row = await findExperiment(db, actor.orgId, id);
  if (!row) return noExperiment;
  return ok({ ...row, results: (await readExperimentResults(db, row)).variants });
}

/** GET /api/admin/experiments/:id/results and the experiment page: metrics, comparisons in words, series for the charts. */
export async function getExperimentResults(db: Database, actor: Actor, id: string): Promise<ServiceResult<{ experiment: ExperimentRow } & ExperimentResults>> {
  if (!can(actor.role, "routing:read")) return cannotRead;
  const row = await findExperiment(db, actor.orgId, id);
  if (!row) return noExperiment;
  return ok({ experiment: row, ...(await readExperimentResults(db, row)) });
}
