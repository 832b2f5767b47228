import { and, asc, desc, eq, gte, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { mcpCalls, mcpGrants } from "../schema";

export type McpGrantRow = typeof mcpGrants.$inferSelect;
export type McpCallRow = typeof mcpCalls.$inferSelect;

export async function listMcpGrantRows(db: Executor, orgId: string): Promise<McpGrantRow[]> {
  return db.select().from(mcpGrants).where(eq(mcpGrants.orgId, orgId)).orderBy(asc(mcpGrants.createdAt));
}

export async function findMcpGrant(db: Executor, orgId: string, id: string): Promise<McpGrantRow | undefined> {
  const [row] = await db.select().from(mcpGrants).where(and(eq(mcpGrants.orgId, orgId), eq(mcpGrants.id, id)));
  return row;
}

export async function insertMcpGrant(db: Executor, values: typeof mcpGrants.$inferInsert): Promise<McpGrantRow> {
  const [row] = await db.insert(mcpGrants).values(values).returning();
  return row;
}

export async function deleteMcpGrantRow(db: Executor, orgId: string, id: string): Promise<void> {
  await db.delete(mcpGrants).where(and(eq(mcpGrants.orgId, orgId), eq(mcpGrants.id, id)));
}

export async function listMcpCallRows(db: Executor, orgId: string, limit: number): Promise<McpCallRow[]> {
  return db.select().from(mcpCalls).where(eq(mcpCalls.orgId, orgId)).orderBy(desc(mcpCalls.createdAt), desc(mcpCalls.id)).limit(limit);
}

/** Calls, errors, p95 latency and cost per tool since `from`. */
export async function summarizeMcpCalls(db: Executor, orgId: string, from: Date) {
  return db
    .select({
      serverSlug: mcpCalls.serverSlug,
      tool: mcpCalls.tool,
      calls: sql<number>`count(*)::int`,
      errors: sql<number>`(count(*) filter (where ${mcpCalls.status} <> 'ok'))::int`,
      p95Ms: sql<number>`coalesce(percentile_disc(0.95) within group (order by ${mcpCalls.latencyMs}), 0)::int`,
      costUsd: sql<string>`coalesce(sum(${mcpCalls.costUsd}), 0)::text`,
    })
    .from(mcpCalls)
    .where(and(eq(mcpCalls.orgId, orgId), gte(mcpCalls.createdAt, from)))
    .groupBy(mcpCalls.serverSlug, mcpCalls.tool)
    .orderBy(asc(mcpCalls.serverSlug), asc(mcpCalls.tool));
}
