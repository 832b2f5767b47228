import type { Executor } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { updateExperimentIf, type ExperimentRow } from "@/db/queries/experiments";
import type { ExperimentVariant } from "@/db/schema/experiments";

/** The variants with `name`'s weight handed to the control (the first variant). */
export function withoutVariant(variants: ExperimentVariant[], name: string): ExperimentVariant[] {
  const freed = variants.find((variant) => variant.name === name)?.weight ?? 0;
  return variants.map((variant, index) => (variant.name === name ? { ...variant, weight: 0 } : index === 0 ? { ...variant, weight: variant.weight + freed } : variant));
}

/**
 * Rolls a variant back (README "A/B experiments"): its weight goes to the control, the reason is appended to the
 * experiment's events and written to the audit log, and every replica reloads its snapshot. The update only applies
 * if the experiment is unchanged since `row` was read, so when several replicas decide at once exactly one wins;
 * the others get undefined and do nothing.
 */
export async function rollbackVariant(db: { transaction: Executor["transaction"] }, row: ExperimentRow, variant: string, by: string, reason: string, now: Date): Promise<ExperimentRow | undefined> {
  return db.transaction(async (tx) => {
    const event = { at: now.toISOString(), type: "rollback" as const, variant, by, reason };
    const updated = await updateExperimentIf(tx, row.orgId, row.id, row.updatedAt, { variants: withoutVariant(row.variants, variant), events: [...row.events, event] });
    if (!updated) return undefined;
    await writeAudit(tx, { orgId: row.orgId, actor: by === "guardrail" ? "system" : by, action: "experiment.rollback", targetType: "experiment", targetId: row.id, before: { variants: row.variants }, after: { variants: updated.variants, event } });
    await notifyConfigChanged(tx, "experiments");
    return updated;
  });
}
