import { and, desc, eq, inArray, lt } from "drizzle-orm";
import type { Executor } from "../client";
import { contextSummaries } from "../schema";

export type ContextSummaryRow = typeof contextSummaries.$inferSelect;

/** The org's summary for the longest of these prefixes (hashes of one conversation's prefixes), if any is stored. */
export async function findLongestSummary(db: Executor, orgId: string, prefixHashes: string[]): Promise<ContextSummaryRow | undefined> {
  if (prefixHashes.length === 0) return undefined;
  const [row] = await db
    .select()
    .from(contextSummaries)
    .where(and(eq(contextSummaries.orgId, orgId), inArray(contextSummaries.prefixHash, prefixHashes)))
    .orderBy(desc(contextSummaries.messageCount))
    .limit(1);
  return row;
}

/** Stores a summary; a concurrent writer of the same prefix keeps its own (the first one wins). */
export async function insertSummary(db: Executor, row: typeof contextSummaries.$inferInsert): Promise<void> {
  await db.insert(contextSummaries).values(row).onConflictDoNothing();
}

export async function pruneSummaries(db: Executor, before: Date): Promise<void> {
  await db.delete(contextSummaries).where(lt(contextSummaries.createdAt, before));
}
