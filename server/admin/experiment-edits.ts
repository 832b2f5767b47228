import { z } from "zod";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findExperiment, findExperimentVersion, insertExperimentVersion, listExperimentVersions, updateExperimentSettings, type ExperimentRow, type ExperimentVersionRow } from "@/db/queries/experiments";
import { banditSchema, checkScope, guardrailsSchema, scopeSchema, splitProblem } from "./experiments";
import { can } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

/**
 * PATCH /api/admin/experiments/:id (README "A/B experiments", Editing): new weights (every variant by name, adding up
 * to 100), guardrails, scope or bandit mode of a draft, running or paused experiment. Variant names and targets stay.
 */
export const updateExperimentInputSchema = z
  .object({
    weights: z.record(z.string().min(1).max(32), z.number().int().min(0).max(100)).optional(),
    guardrails: guardrailsSchema.optional(),
    scope: scopeSchema.optional(),
    bandit: banditSchema.nullable().optional(),
    note: z.string().trim().max(200).optional(),
  })
  .strict()
  .refine((input) => input.weights !== undefined || input.guardrails !== undefined || input.scope !== undefined || input.bandit !== undefined, { message: "nothing to change: send weights, guardrails, scope or bandit" });
export type UpdateExperimentInput = z.infer<typeof updateExperimentInputSchema>;
export const restoreExperimentInputSchema = z.object({ version: z.number().int().min(1) });

const cannotRead = failure({ code: "forbidden", message: "Your role cannot view experiments." });
const cannotWrite = failure({ code: "forbidden", message: "Your role cannot manage experiments." });
const noExperiment = failure({ code: "not_found", message: "No such experiment." });
const changedMeanwhile = failure({ code: "conflict", message: "The experiment was changed at the same time; reload it and try again." });
const isStopped = failure({ code: "invalid", message: "A stopped experiment cannot change.", field: "status" });

/** The variants with the edit's weights: each variant named once, no unknown names, adding up to 100. */
function applyWeights(row: ExperimentRow, weights: Record<string, number>, bandit: ExperimentRow["bandit"]): ServiceResult<ExperimentRow["variants"]> {
  const unknown = Object.keys(weights).find((name) => !row.variants.some((variant) => variant.name === name));
  if (unknown) return failure({ code: "invalid", message: `The experiment has no variant "${unknown}".`, field: `weights.${unknown}` });
  const missing = row.variants.find((variant) => weights[variant.name] === undefined);
  if (missing) return failure({ code: "invalid", message: `weights must give every variant's weight; "${missing.name}" is missing.`, field: `weights.${missing.name}` });
  const problem = splitProblem(row.variants.map((variant) => weights[variant.name]), bandit);
  if (problem) return failure({ code: "invalid", message: `${problem.field}: ${problem.message}`, field: problem.field });
  return ok(row.variants.map((variant) => ({ ...variant, weight: weights[variant.name] })));
}

export async function updateExperiment(db: Database, actor: Actor, id: string, input: UpdateExperimentInput): Promise<ServiceResult<ExperimentRow>> {
  if (!can(actor.role, "routing:write")) return cannotWrite;
  const row = await findExperiment(db, actor.orgId, id);
  if (!row) return noExperiment;
  if (row.status === "stopped") return isStopped;
  const bandit = input.bandit !== undefined ? input.bandit : row.bandit;
  if (input.weights && bandit) return failure({ code: "invalid", message: "The bandit sets the split while bandit mode is on: turn it off (bandit: null) to set weights.", field: "weights" });
  const variants = input.weights ? applyWeights(row, input.weights, bandit) : ok(row.variants);
  if (!variants.ok) return variants;
  const problem = splitProblem(variants.value.map((variant) => variant.weight), bandit);
  if (problem) return failure({ code: "invalid", message: `${problem.field}: ${problem.message}`, field: problem.field });
  const scope = input.scope ? await checkScope(db, actor.orgId, input.scope) : ok(row.scope);
  if (!scope.ok) return scope;
  const settings = { variants: variants.value, guardrails: input.guardrails ?? row.guardrails, scope: scope.value, bandit };
  return saveVersion(db, actor, row, settings, input.note || "edited", "experiment.update");
}

/** Makes an earlier version's weights, guardrails, scope and bandit mode current again, as a new version. */
export async function restoreExperimentVersion(db: Database, actor: Actor, id: string, version: number): Promise<ServiceResult<ExperimentRow>> {
  if (!can(actor.role, "routing:write")) return cannotWrite;
  const row = await findExperiment(db, actor.orgId, id);
  if (!row) return noExperiment;
  if (row.status === "stopped") return isStopped;
  const old = await findExperimentVersion(db, actor.orgId, id, version);
  if (!old) return failure({ code: "not_found", message: `The experiment has no version ${version}.` });
  const scope = await checkScope(db, actor.orgId, old.scope);
  if (!scope.ok) return failure({ code: "invalid", message: `Version ${version} cannot be restored: ${scope.error.message}`, field: "version" });
  return saveVersion(db, actor, row, { variants: old.variants, guardrails: old.guardrails, scope: scope.value, bandit: old.bandit }, `restored version ${version}`, "experiment.restore");
}

/** GET /api/admin/experiments/:id/versions: every version of the settings, newest first. */
export async function getExperimentVersions(db: Database, actor: Actor, id: string): Promise<ServiceResult<ExperimentVersionRow[]>> {
  if (!can(actor.role, "routing:read")) return cannotRead;
  const row = await findExperiment(db, actor.orgId, id);
  if (!row) return noExperiment;
  return ok(await listExperimentVersions(db, actor.orgId, id));
}

async function saveVersion(db: Database, actor: Actor, row: ExperimentRow, settings: Pick<ExperimentRow, "variants" | "guardrails" | "scope" | "bandit">, note: string, action: string): Promise<ServiceResult<ExperimentRow>> {
  const updated = await db.transaction(async (tx) => {
    const saved = await updateExperimentSettings(tx, row, settings);
    if (!saved) return undefined;
    await insertExperimentVersion(tx, { experimentId: row.id, orgId: row.orgId, version: saved.version, ...settings, createdBy: actor.id, note });
    await writeAudit(tx, { orgId: row.orgId, actor: actor.id, action, targetType: "experiment", targetId: row.id, before: row, after: saved });
    await notifyConfigChanged(tx, "experiments");
    return saved;
  });
  return updated ? ok(updated) : changedMeanwhile;
}
