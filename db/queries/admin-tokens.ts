import { and, desc, eq, isNull } from "drizzle-orm";
import type { Executor } from "../client";
import { adminTokens } from "../schema";

export const publicAdminTokenColumns = {
  id: adminTokens.id,
  name: adminTokens.name,
  tokenPrefix: adminTokens.tokenPrefix,
  role: adminTokens.role,
  createdBy: adminTokens.createdBy,
  createdAt: adminTokens.createdAt,
  revokedAt: adminTokens.revokedAt,
  lastUsedAt: adminTokens.lastUsedAt,
};

export async function insertAdminToken(tx: Executor, values: typeof adminTokens.$inferInsert) {
  const [row] = await tx.insert(adminTokens).values(values).returning(publicAdminTokenColumns);
  return row;
}

export async function listAdminTokens(db: Executor, orgId: string) {
  return db.select(publicAdminTokenColumns).from(adminTokens).where(eq(adminTokens.orgId, orgId)).orderBy(desc(adminTokens.createdAt));
}

export async function findActiveAdminTokenByPrefix(db: Executor, prefix: string) {
  const [row] = await db.select().from(adminTokens).where(and(eq(adminTokens.tokenPrefix, prefix), isNull(adminTokens.revokedAt)));
  return row;
}

export async function revokeAdminTokenRow(tx: Executor, orgId: string, id: string) {
  const [row] = await tx.update(adminTokens).set({ revokedAt: new Date() }).where(and(eq(adminTokens.orgId, orgId), eq(adminTokens.id, id), isNull(adminTokens.revokedAt))).returning(publicAdminTokenColumns);
  return row;
}

export async function findAdminToken(db: Executor, orgId: string, id: string) {
  const [row] = await db.select(publicAdminTokenColumns).from(adminTokens).where(and(eq(adminTokens.orgId, orgId), eq(adminTokens.id, id)));
  return row;
}
