import { and, asc, eq, isNull } from "drizzle-orm";
import type { Executor } from "../client";
import { rateLimits } from "../schema";

export type RateLimitRow = typeof rateLimits.$inferSelect;
export type RateLimitScopeValue = RateLimitRow["scope"];

export async function listRateLimitRows(db: Executor, orgId: string, filter: { scope?: RateLimitScopeValue; scopeId?: string } = {}): Promise<RateLimitRow[]> {
  return db
    .select()
    .from(rateLimits)
    .where(and(eq(rateLimits.orgId, orgId), filter.scope ? eq(rateLimits.scope, filter.scope) : undefined, filter.scopeId ? eq(rateLimits.scopeId, filter.scopeId) : undefined))
    .orderBy(asc(rateLimits.scope), asc(rateLimits.scopeId), asc(rateLimits.createdAt));
}

export async function findRateLimit(db: Executor, orgId: string, id: string): Promise<RateLimitRow | undefined> {
  const [row] = await db.select().from(rateLimits).where(and(eq(rateLimits.orgId, orgId), eq(rateLimits.id, id)));
  return row;
}

/** The one limit of a scope (scope_id null: the scope's default, or the org's limit). */
export async function findRateLimitByScope(db: Executor, orgId: string, scope: RateLimitScopeValue, scopeId: string | null): Promise<RateLimitRow | undefined> {
  const [row] = await db
    .select()
    .from(rateLimits)
    .where(and(eq(rateLimits.orgId, orgId), eq(rateLimits.scope, scope), scopeId === null ? isNull(rateLimits.scopeId) : eq(rateLimits.scopeId, scopeId)));
  return row;
}

export async function insertRateLimit(tx: Executor, values: typeof rateLimits.$inferInsert): Promise<RateLimitRow> {
  const [row] = await tx.insert(rateLimits).values(values).returning();
  return row;
}

export async function updateRateLimitRow(tx: Executor, orgId: string, id: string, patch: Partial<Pick<RateLimitRow, "rpm" | "tpm" | "concurrency" | "failMode">>): Promise<RateLimitRow | undefined> {
  const [row] = await tx
    .update(rateLimits)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(rateLimits.orgId, orgId), eq(rateLimits.id, id)))
    .returning();
  return row;
}

export async function deleteRateLimitRow(tx: Executor, orgId: string, id: string): Promise<void> {
  await tx.delete(rateLimits).where(and(eq(rateLimits.orgId, orgId), eq(rateLimits.id, id)));
}
