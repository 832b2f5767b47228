import { and, asc, eq } from "drizzle-orm";
import type { Executor } from "../client";
import { providerConnections } from "../schema";

/** Columns safe to show anywhere (never the ciphertext). */
export const publicConnectionColumns = {
  id: providerConnections.id,
  orgId: providerConnections.orgId,
  kind: providerConnections.kind,
  name: providerConnections.name,
  baseUrl: providerConnections.baseUrl,
  credentialLast4: providerConnections.credentialLast4,
  region: providerConnections.region,
  enabled: providerConnections.enabled,
  source: providerConnections.source,
  createdAt: providerConnections.createdAt,
  updatedAt: providerConnections.updatedAt,
};

export async function listConnections(db: Executor, orgId: string) {
  return db.select(publicConnectionColumns).from(providerConnections).where(eq(providerConnections.orgId, orgId)).orderBy(asc(providerConnections.createdAt));
}

export async function findConnection(db: Executor, orgId: string, id: string) {
  const [row] = await db.select().from(providerConnections).where(and(eq(providerConnections.orgId, orgId), eq(providerConnections.id, id)));
  return row;
}

export async function findConnectionByName(db: Executor, orgId: string, name: string) {
  const [row] = await db.select(publicConnectionColumns).from(providerConnections).where(and(eq(providerConnections.orgId, orgId), eq(providerConnections.name, name)));
  return row;
}

export async function insertConnection(tx: Executor, values: typeof providerConnections.$inferInsert) {
  const [row] = await tx.insert(providerConnections).values(values).returning(publicConnectionColumns);
  return row;
}

export async function updateConnectionRow(tx: Executor, orgId: string, id: string, patch: Partial<typeof providerConnections.$inferInsert>) {
  const [row] = await tx
    .update(providerConnections)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(providerConnections.orgId, orgId), eq(providerConnections.id, id)))
    .returning(publicConnectionColumns);
  return row;
}
