import { and, asc, desc, eq, lte } from "drizzle-orm";
import type { Executor } from "../client";
import { modelPrices, models, providerConnections } from "../schema";

export type ModelRow = typeof models.$inferSelect;
export type PriceRow = typeof modelPrices.$inferSelect;

export async function insertModel(tx: Executor, values: typeof models.$inferInsert): Promise<ModelRow> {
  const [row] = await tx.insert(models).values(values).returning();
  return row;
}

export async function updateModelRow(tx: Executor, orgId: string, id: string, patch: Partial<typeof models.$inferInsert>): Promise<ModelRow | undefined> {
  const [row] = await tx.update(models).set({ ...patch, updatedAt: new Date() }).where(and(eq(models.orgId, orgId), eq(models.id, id))).returning();
  return row;
}

export async function findModel(db: Executor, orgId: string, id: string): Promise<ModelRow | undefined> {
  const [row] = await db.select().from(models).where(and(eq(models.orgId, orgId), eq(models.id, id)));
  return row;
}

export async function findModelByName(db: Executor, orgId: string, name: string): Promise<ModelRow | undefined> {
  const [row] = await db.select().from(models).where(and(eq(models.orgId, orgId), eq(models.name, name)));
  return row;
}

export async function insertPrice(tx: Executor, values: typeof modelPrices.$inferInsert): Promise<PriceRow> {
  const [row] = await tx.insert(modelPrices).values(values).returning();
  return row;
}

/** One price row (a ledger row's price_id: the price it was charged at). */
export async function findPriceById(db: Executor, id: string): Promise<PriceRow | undefined> {
  const [row] = await db.select().from(modelPrices).where(eq(modelPrices.id, id));
  return row;
}

/** The price in force at `at` (the latest effective_from not after it). */
export async function findCurrentPrice(db: Executor, modelId: string, at = new Date()): Promise<PriceRow | undefined> {
  const [row] = await db
    .select()
    .from(modelPrices)
    .where(and(eq(modelPrices.modelId, modelId), lte(modelPrices.effectiveFrom, at)))
    .orderBy(desc(modelPrices.effectiveFrom))
    .limit(1);
  return row;
}

export async function listPricesForModel(db: Executor, modelId: string): Promise<PriceRow[]> {
  return db.select().from(modelPrices).where(eq(modelPrices.modelId, modelId)).orderBy(desc(modelPrices.effectiveFrom));
}

/** Models with their connection and every price row (callers pick the one in force). */
export async function listModelsWithConnections(db: Executor, orgId: string) {
  const rows = await db
    .select({ model: models, connectionName: providerConnections.name, connectionKind: providerConnections.kind })
    .from(models)
    .innerJoin(providerConnections, eq(providerConnections.id, models.connectionId))
    .where(eq(models.orgId, orgId))
    .orderBy(asc(models.name));
  const prices = await db.select().from(modelPrices).innerJoin(models, eq(models.id, modelPrices.modelId)).where(eq(models.orgId, orgId)).orderBy(desc(modelPrices.effectiveFrom));
  const byModel = new Map<string, PriceRow[]>();
  for (const { model_prices: price } of prices) {
    const list = byModel.get(price.modelId) ?? [];
    list.push(price);
    byModel.set(price.modelId, list);
  }
  const now = Date.now();
  return rows.map((row) => {
    const history = byModel.get(row.model.id) ?? [];
    return { ...row.model, connectionName: row.connectionName, connectionKind: row.connectionKind, price: history.find((price) => price.effectiveFrom.getTime() <= now) ?? null, prices: history };
  });
}
