import { and, asc, desc, eq } from "drizzle-orm";
import type { Executor } from "../client";
import { modelGroups, modelGroupVersions } from "../schema";

export type ModelGroupRow = typeof modelGroups.$inferSelect;
export type ModelGroupVersionRow = typeof modelGroupVersions.$inferSelect;

export async function listModelGroupRows(db: Executor, orgId: string): Promise<ModelGroupRow[]> {
  return db.select().from(modelGroups).where(eq(modelGroups.orgId, orgId)).orderBy(asc(modelGroups.name));
}

export async function findModelGroup(db: Executor, orgId: string, id: string): Promise<ModelGroupRow | undefined> {
  const [row] = await db.select().from(modelGroups).where(and(eq(modelGroups.orgId, orgId), eq(modelGroups.id, id)));
  return row;
}

export async function findModelGroupByName(db: Executor, orgId: string, name: string): Promise<ModelGroupRow | undefined> {
  const [row] = await db.select().from(modelGroups).where(and(eq(modelGroups.orgId, orgId), eq(modelGroups.name, name)));
  return row;
}

export async function insertModelGroup(tx: Executor, values: typeof modelGroups.$inferInsert): Promise<ModelGroupRow> {
  const [row] = await tx.insert(modelGroups).values(values).returning();
  return row;
}

/** Writes a new definition (or enabled flag / description) and bumps the version: only if `version` is still current. */
export async function updateModelGroupRow(
  tx: Executor,
  orgId: string,
  id: string,
  expectedVersion: number,
  patch: Partial<Pick<ModelGroupRow, "definition" | "description" | "enabled">>,
): Promise<ModelGroupRow | undefined> {
  const [row] = await tx
    .update(modelGroups)
    .set({ ...patch, version: expectedVersion + 1, updatedAt: new Date() })
    .where(and(eq(modelGroups.orgId, orgId), eq(modelGroups.id, id), eq(modelGroups.version, expectedVersion)))
    .returning();
  return row;
}

export async function deleteModelGroupRow(tx: Executor, orgId: string, id: string): Promise<void> {
  await tx.delete(modelGroups).where(and(eq(modelGroups.orgId, orgId), eq(modelGroups.id, id)));
}

export async function insertModelGroupVersion(tx: Executor, values: typeof modelGroupVersions.$inferInsert): Promise<ModelGroupVersionRow> {
  const [row] = await tx.insert(modelGroupVersions).values(values).returning();
  return row;
}

/** Newest first. */
export async function listModelGroupVersions(db: Executor, orgId: string, groupId: string): Promise<ModelGroupVersionRow[]> {
  return db
    .select()
    .from(modelGroupVersions)
    .where(and(eq(modelGroupVersions.orgId, orgId), eq(modelGroupVersions.groupId, groupId)))
    .orderBy(desc(modelGroupVersions.version));
}

export async function findModelGroupVersion(db: Executor, orgId: string, groupId: string, version: number): Promise<ModelGroupVersionRow | undefined> {
  const [row] = await db
    .select()
    .from(modelGroupVersions)
    .where(and(eq(modelGroupVersions.orgId, orgId), eq(modelGroupVersions.groupId, groupId), eq(modelGroupVersions.version, version)));
  return row;
}
