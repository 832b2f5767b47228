import { and, asc, eq, getTableColumns, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { mcpServers, mcpTools } from "../schema";

export type McpServerRow = typeof mcpServers.$inferSelect;
export type McpToolRow = typeof mcpTools.$inferSelect;

/** A server as the console and the admin API see it: never the credential, only whether one is stored. */
export type McpServerView = Omit<McpServerRow, "credentialCiphertext"> & { hasCredential: boolean };

export function toMcpServerView(row: McpServerRow): McpServerView {
  const { credentialCiphertext, ...rest } = row;
  return { ...rest, hasCredential: credentialCiphertext !== null };
}

export async function listMcpServerRows(db: Executor, orgId: string): Promise<McpServerRow[]> {
  return db.select().from(mcpServers).where(eq(mcpServers.orgId, orgId)).orderBy(asc(mcpServers.slug));
}

export async function findMcpServer(db: Executor, orgId: string, id: string): Promise<McpServerRow | undefined> {
  const [row] = await db.select().from(mcpServers).where(and(eq(mcpServers.orgId, orgId), eq(mcpServers.id, id)));
  return row;
}

export async function insertMcpServer(db: Executor, values: typeof mcpServers.$inferInsert): Promise<McpServerRow> {
  const [row] = await db.insert(mcpServers).values(values).returning();
  return row;
}

export async function updateMcpServerRow(db: Executor, orgId: string, id: string, patch: Partial<typeof mcpServers.$inferInsert>): Promise<McpServerRow | undefined> {
  const [row] = await db.update(mcpServers).set({ ...patch, updatedAt: new Date() }).where(and(eq(mcpServers.orgId, orgId), eq(mcpServers.id, id))).returning();
  return row;
}

export async function deleteMcpServerRow(db: Executor, orgId: string, id: string): Promise<void> {
  await db.delete(mcpServers).where(and(eq(mcpServers.orgId, orgId), eq(mcpServers.id, id)));
}

export async function listMcpToolRows(db: Executor, serverId: string): Promise<McpToolRow[]> {
  return db.select().from(mcpTools).where(eq(mcpTools.serverId, serverId)).orderBy(asc(mcpTools.name));
}

export async function findMcpTool(db: Executor, orgId: string, id: string): Promise<(McpToolRow & { orgId: string }) | undefined> {
  const [row] = await db
    .select({ ...getTableColumns(mcpTools), orgId: mcpServers.orgId })
    .from(mcpTools)
    .innerJoin(mcpServers, eq(mcpServers.id, mcpTools.serverId))
    .where(and(eq(mcpServers.orgId, orgId), eq(mcpTools.id, id)));
  return row;
}

export async function upsertMcpToolRow(db: Executor, values: typeof mcpTools.$inferInsert): Promise<McpToolRow> {
  const { serverId: _serverId, name: _name, ...update } = values;
  const [row] = await db.insert(mcpTools).values(values).onConflictDoUpdate({ target: [mcpTools.serverId, mcpTools.name], set: update }).returning();
  return row;
}

export async function updateMcpToolRow(db: Executor, id: string, patch: Partial<typeof mcpTools.$inferInsert>): Promise<McpToolRow | undefined> {
  const [row] = await db.update(mcpTools).set(patch).where(eq(mcpTools.id, id)).returning();
  return row;
}

/**
 * A definition the gateway saw live that differs from the stored one: stored as the tool's current definition (the
 * approved one stays beside it for the diff). Returns the row when it changed something, undefined otherwise.
 */
export async function recordObservedToolRow(db: Executor, values: typeof mcpTools.$inferInsert): Promise<McpToolRow | undefined> {
  const { serverId: _serverId, name: _name, ...update } = values;
  const [row] = await db
    .insert(mcpTools)
    .values(values)
    .onConflictDoUpdate({
      target: [mcpTools.serverId, mcpTools.name],
      set: { ...update, status: sql`case when ${mcpTools.approvedHash} = excluded.definition_hash then 'approved' else excluded.status end` },
      setWhere: sql`${mcpTools.definitionHash} <> excluded.definition_hash`,
    })
    .returning();
  return row;
}
