import { and, desc, eq } from "drizzle-orm";
import type { Executor } from "../client";
import { models, orgModelPrices, providerDiscounts } from "../schema";

export type OrgPriceRow = typeof orgModelPrices.$inferSelect;
export type DiscountRow = typeof providerDiscounts.$inferSelect;

export async function insertOrgPrice(tx: Executor, values: typeof orgModelPrices.$inferInsert): Promise<OrgPriceRow> {
  const [row] = await tx.insert(orgModelPrices).values(values).returning();
  return row;
}

/** Every org price of the org's models, newest first (callers pick the row in force). */
export async function listOrgPrices(db: Executor, orgId: string, modelId?: string): Promise<OrgPriceRow[]> {
  return db
    .select()
    .from(orgModelPrices)
    .where(and(eq(orgModelPrices.orgId, orgId), modelId ? eq(orgModelPrices.modelId, modelId) : undefined))
    .orderBy(desc(orgModelPrices.effectiveFrom), desc(orgModelPrices.createdAt));
}

export async function insertDiscount(tx: Executor, values: typeof providerDiscounts.$inferInsert): Promise<DiscountRow> {
  const [row] = await tx.insert(providerDiscounts).values(values).returning();
  return row;
}

export async function listDiscounts(db: Executor, orgId: string): Promise<DiscountRow[]> {
  return db.select().from(providerDiscounts).where(eq(providerDiscounts.orgId, orgId)).orderBy(desc(providerDiscounts.effectiveFrom), desc(providerDiscounts.createdAt));
}

/** The org's model of that id (org prices attach to the org's own models only). */
export async function findOrgModel(db: Executor, orgId: string, modelId: string) {
  const [row] = await db.select({ id: models.id, name: models.name }).from(models).where(and(eq(models.orgId, orgId), eq(models.id, modelId)));
  return row;
}
