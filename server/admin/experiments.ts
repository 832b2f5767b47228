import { z } from "zod";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findExperiment, findRunningExperimentOn, insertExperiment, listExperimentRows, updateExperimentStatus, variantStats, type ExperimentRow } from "@/db/queries/experiments";
import { findModelGroupByName } from "@/db/queries/model-groups";
import { findModelByName } from "@/db/queries/models";
import { decimalToPicos, picosToDecimal } from "@/server/gateway/pricing";
import { can } from "./permissions";
import { failure, isUniqueViolation, ok, type Actor, type ServiceResult } from "./service-result";

const modelName = z.string().trim().min(1).max(256);

/** POST /api/admin/experiments: a draft experiment splitting `model` between variants whose weights add up to 100. */
export const createExperimentInputSchema = z
  .object({
    name: z.string().trim().min(1).max(128),
    model: modelName,
    variants: z
      .array(z.object({ name: z.string().trim().regex(/^[A-Za-z0-9._-]{1,32}$/, "letters, digits, '.', '_' or '-', at most 32"), weight: z.number().int().min(0).max(100), target: modelName }))
      .min(2)
      .max(10),
  })
  .superRefine((input, context) => {
    const total = input.variants.reduce((sum, variant) => sum + variant.weight, 0);
    if (total !== 100) context.addIssue({ code: "custom", path: ["variants"], message: `the weights add up to ${total}, not 100` });
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

export async function createExperiment(db: Database, actor: Actor, input: CreateExperimentInput): Promise<ServiceResult<ExperimentRow>> {
  if (!can(actor.role, "routing:write")) return cannotWrite;
  if (!(await isKnownName(db, actor.orgId, input.model))) return failure({ code: "invalid", message: "model names no model or group of the organization.", field: "model" });
  for (const [index, variant] of input.variants.entries()) {
    if (!(await isKnownName(db, actor.orgId, variant.target))) return failure({ code: "invalid", message: `variants[${index}].target names no model or group of the organization.`, field: `variants.${index}.target` });
  }
  try {
    const row = await db.transaction(async (tx) => {
      const created = await insertExperiment(tx, { orgId: actor.orgId, name: input.name, model: input.model, variants: input.variants });
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
  requests: number;
  errors: number;
  errorRate: number | null;
  /** Exact decimal dollars. */
  costUsd: string;
  costPerRequestUsd: string | null;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
}

/** The experiment with its per-variant metrics from the ledger (no significance testing yet: README "A/B experiments"). */
export async function getExperiment(db: Database, actor: Actor, id: string): Promise<ServiceResult<ExperimentRow & { results: VariantResult[] }>> {
  if (!can(actor.role, "routing:read")) return cannotRead;
  const row = await findExperiment(db, actor.orgId, id);
  if (!row) return noExperiment;
  const stats = new Map((await variantStats(db, actor.orgId, id)).map((entry) => [entry.variant, entry]));
  const results = row.variants.map((variant): VariantResult => {
    const entry = stats.get(variant.name);
    const requests = entry?.requests ?? 0;
    const cost = decimalToPicos(entry?.cost_usd ?? "0");
    return {
      variant: variant.name,
      target: variant.target,
      requests,
      errors: entry?.errors ?? 0,
      errorRate: requests > 0 ? (entry?.errors ?? 0) / requests : null,
      costUsd: picosToDecimal(cost),
      costPerRequestUsd: requests > 0 ? picosToDecimal(cost / BigInt(requests)) : null,
      latencyP50Ms: entry?.latency_p50 ?? null,
      latencyP95Ms: entry?.latency_p95 ?? null,
      ttftP50Ms: entry?.ttft_p50 ?? null,
      ttftP95Ms: entry?.ttft_p95 ?? null,
    };
  });
  return ok({ ...row, results });
}
