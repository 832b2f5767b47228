import { and, asc, eq, max } from "drizzle-orm";
import type { Executor } from "../client";
import { memberships, models, policyRules, policySettings, providerConnections, virtualKeys } from "../schema";

export type PolicyRuleRow = typeof policyRules.$inferSelect;
export type PolicySettingsRow = typeof policySettings.$inferSelect;

/** The org's rules in evaluation order. */
export async function listPolicyRuleRows(db: Executor, orgId: string): Promise<PolicyRuleRow[]> {
  return db.select().from(policyRules).where(eq(policyRules.orgId, orgId)).orderBy(asc(policyRules.position), asc(policyRules.createdAt));
}

export async function findPolicyRule(db: Executor, orgId: string, id: string): Promise<PolicyRuleRow | undefined> {
  const [row] = await db.select().from(policyRules).where(and(eq(policyRules.orgId, orgId), eq(policyRules.id, id)));
  return row;
}

export async function nextPolicyPosition(tx: Executor, orgId: string): Promise<number> {
  const [row] = await tx.select({ last: max(policyRules.position) }).from(policyRules).where(eq(policyRules.orgId, orgId));
  return (row?.last ?? 0) + 1;
}

export async function insertPolicyRule(tx: Executor, values: typeof policyRules.$inferInsert): Promise<PolicyRuleRow> {
  const [row] = await tx.insert(policyRules).values(values).returning();
  return row;
}

export async function updatePolicyRuleRow(tx: Executor, orgId: string, id: string, patch: Partial<Omit<PolicyRuleRow, "id" | "orgId" | "createdAt">>): Promise<PolicyRuleRow | undefined> {
  const [row] = await tx
    .update(policyRules)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(policyRules.orgId, orgId), eq(policyRules.id, id)))
    .returning();
  return row;
}

export async function deletePolicyRuleRow(tx: Executor, orgId: string, id: string): Promise<void> {
  await tx.delete(policyRules).where(and(eq(policyRules.orgId, orgId), eq(policyRules.id, id)));
}

export async function findPolicySettings(db: Executor, orgId: string): Promise<PolicySettingsRow | undefined> {
  const [row] = await db.select().from(policySettings).where(eq(policySettings.orgId, orgId));
  return row;
}

export async function upsertPolicySettings(tx: Executor, values: Pick<PolicySettingsRow, "orgId" | "residencyRegions" | "residencyCallerRegions">): Promise<PolicySettingsRow> {
  const [row] = await tx
    .insert(policySettings)
    .values({ ...values, updatedAt: new Date() })
    .onConflictDoUpdate({ target: policySettings.orgId, set: { residencyRegions: values.residencyRegions, residencyCallerRegions: values.residencyCallerRegions, updatedAt: new Date() } })
    .returning();
  return row;
}

/** The org's enabled models with their provider kind and region (the policy simulator's view of the catalog). */
export async function listPolicyModels(db: Executor, orgId: string) {
  return db
    .select({ id: models.id, name: models.name, upstreamModel: models.upstreamModel, region: models.region, kind: providerConnections.kind, connectionId: providerConnections.id, createdAt: models.createdAt })
    .from(models)
    .innerJoin(providerConnections, eq(providerConnections.id, models.connectionId))
    .where(and(eq(models.orgId, orgId), eq(models.enabled, true), eq(providerConnections.enabled, true)));
}

/** One key with its member's role (the simulator's caller). */
export async function findPolicyKey(db: Executor, orgId: string, id: string) {
  const [row] = await db
    .select({ key: virtualKeys, role: memberships.role })
    .from(virtualKeys)
    .leftJoin(memberships, and(eq(memberships.userId, virtualKeys.userId), eq(memberships.orgId, virtualKeys.orgId)))
    .where(and(eq(virtualKeys.orgId, orgId), eq(virtualKeys.id, id)));
  return row;
}
