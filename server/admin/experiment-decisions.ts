import { z } from "zod";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findExperiment, updateExperimentIf, type ExperimentRow } from "@/db/queries/experiments";
import { findModelGroupByName, insertModelGroupVersion, updateModelGroupRow, type ModelGroupRow } from "@/db/queries/model-groups";
import type { GroupDefinition } from "@/db/schema/model-group-definition";
import { rollbackVariant } from "@/server/experiments/rollback-variant";
import { groupDefinitionSchema } from "@/server/gateway/routing/group-schema";
import { can } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

export const promoteInputSchema = z.object({ variant: z.string().trim().min(1).max(32) });
export const rollbackInputSchema = z.object({ variant: z.string().trim().min(1).max(32), reason: z.string().trim().max(500).optional() });

const cannotWrite = failure({ code: "forbidden", message: "Your role cannot manage experiments." });
const noExperiment = failure({ code: "not_found", message: "No such experiment." });
const changedMeanwhile = failure({ code: "conflict", message: "The experiment was changed at the same time; reload it and try again." });

/** Rolls a variant back by hand (its weight goes to the control), like a guardrail does; audited and listed in the events. */
export async function rollbackExperimentVariant(db: Database, actor: Actor, id: string, input: z.infer<typeof rollbackInputSchema>): Promise<ServiceResult<ExperimentRow>> {
  if (!can(actor.role, "routing:write")) return cannotWrite;
  const row = await findExperiment(db, actor.orgId, id);
  if (!row) return noExperiment;
  if (row.status === "stopped") return failure({ code: "invalid", message: "A stopped experiment cannot change.", field: "status" });
  const index = row.variants.findIndex((variant) => variant.name === input.variant);
  if (index === -1) return failure({ code: "invalid", message: `The experiment has no variant "${input.variant}".`, field: "variant" });
  if (index === 0) return failure({ code: "invalid", message: "The control (the first variant) takes the traffic of rolled-back variants; it cannot be rolled back itself.", field: "variant" });
  if (row.variants[index].weight === 0) return failure({ code: "invalid", message: `Variant "${input.variant}" gets no traffic already.`, field: "variant" });
  const updated = await rollbackVariant(db, row, input.variant, actor.id, input.reason || "rolled back by hand", new Date());
  return updated ? ok(updated) : changedMeanwhile;
}

/** The group's definition serving the winner: the target group's deployments and strategy, or the target model alone. */
async function definitionFor(db: Database, orgId: string, group: ModelGroupRow, target: string, variant: string): Promise<GroupDefinition> {
  const targetGroup = await findModelGroupByName(db, orgId, target);
  if (targetGroup) return groupDefinitionSchema.parse({ ...group.definition, strategy: targetGroup.definition.strategy, deployments: targetGroup.definition.deployments });
  const id = variant.replace(/^[^A-Za-z0-9]+/, "") || "winner";
  return groupDefinitionSchema.parse({ ...group.definition, deployments: [{ id, model: target }], fallbacks: group.definition.fallbacks.filter((name) => name !== target) });
}

/**
 * Promote (README "A/B experiments"): the winner's target becomes what the experiment's group serves, as a new
 * group version (audited, restorable), and the experiment stops with the winner recorded. A winner whose target is
 * the experiment's name itself only stops the experiment. An experiment on a plain catalog model cannot be promoted
 * (a model name has no definition to change): callers switch to the winner's name.
 */
export async function promoteExperimentVariant(db: Database, actor: Actor, id: string, input: z.infer<typeof promoteInputSchema>): Promise<ServiceResult<ExperimentRow & { groupVersion: number | null }>> {
  if (!can(actor.role, "routing:write")) return cannotWrite;
  const row = await findExperiment(db, actor.orgId, id);
  if (!row) return noExperiment;
  if (row.status === "stopped" || row.status === "draft") return failure({ code: "invalid", message: `A ${row.status} experiment cannot be promoted.`, field: "status" });
  const winner = row.variants.find((variant) => variant.name === input.variant);
  if (!winner) return failure({ code: "invalid", message: `The experiment has no variant "${input.variant}".`, field: "variant" });
  if (winner.weight === 0) return failure({ code: "invalid", message: `Variant "${input.variant}" was rolled back; it cannot win.`, field: "variant" });
  const group = winner.target === row.model ? undefined : await findModelGroupByName(db, actor.orgId, row.model);
  if (winner.target !== row.model && !group) return failure({ code: "invalid", message: `${row.model} is a model, not a group: there is no definition to promote into. Make it a group first, or send callers to ${winner.target}.`, field: "variant" });
  const definition = group ? await definitionFor(db, actor.orgId, group, winner.target, winner.name) : undefined;
  const result = await db.transaction(async (tx) => {
    let groupVersion: number | null = null;
    if (group && definition) {
      const updated = await updateModelGroupRow(tx, actor.orgId, group.id, group.version, { definition });
      if (!updated) return undefined;
      groupVersion = updated.version;
      await insertModelGroupVersion(tx, { groupId: group.id, orgId: actor.orgId, version: updated.version, definition, createdBy: actor.id, note: `promoted variant ${winner.name} of experiment ${row.name}` });
      await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "model_group.update", targetType: "model_group", targetId: group.id, before: group, after: updated });
    }
    const event = { at: new Date().toISOString(), type: "promote" as const, variant: winner.name, by: actor.id, reason: groupVersion ? `${row.model} now serves ${winner.target} (group version ${groupVersion})` : `${winner.target} is ${row.model} itself: nothing to change` };
    const stopped = await updateExperimentIf(tx, actor.orgId, row.id, row.updatedAt, { status: "stopped", winner: winner.name, events: [...row.events, event] });
    if (!stopped) throw new ConcurrentChange();
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "experiment.promote", targetType: "experiment", targetId: row.id, before: row, after: stopped });
    await notifyConfigChanged(tx, "experiments");
    if (group) await notifyConfigChanged(tx, "model_groups");
    return { ...stopped, groupVersion };
  }).catch((error: unknown) => {
    if (error instanceof ConcurrentChange) return undefined;
    throw error;
  });
  return result ? ok(result) : changedMeanwhile;
}

class ConcurrentChange extends Error {}
