import { and, desc, eq, sql } from "drizzle-orm";
import { executeRows, type Executor } from "../client";
import { requestBodies } from "../schema";

export type RequestBodyRow = typeof requestBodies.$inferSelect;

/** Deletes bodies older than `before`, at most `batch` per call (the caller loops while a batch comes back full). */
export async function pruneRequestBodies(db: Executor, before: Date, batch = 5_000): Promise<number> {
  const rows = await executeRows<{ n: number }>(
    db,
    sql`with gone as (
        delete from request_bodies where request_id in (select request_id from request_bodies where started_at < ${before.toISOString()}::timestamptz limit ${batch})
        returning 1
      ) select count(*)::int as n from gone`,
  );
  return rows[0]?.n ?? 0;
}

export async function findRequestBody(db: Executor, orgId: string, requestId: string): Promise<RequestBodyRow | undefined> {
  const [row] = await db.select().from(requestBodies).where(and(eq(requestBodies.orgId, orgId), eq(requestBodies.requestId, requestId)));
  return row;
}

/** Full bodies of the org since `from`, newest first, at most `limit` (policy replay). */
export async function listFullBodiesSince(db: Executor, orgId: string, from: Date, limit: number): Promise<RequestBodyRow[]> {
  return db
    .select()
    .from(requestBodies)
    .where(and(eq(requestBodies.orgId, orgId), eq(requestBodies.mode, "full"), sql`${requestBodies.startedAt} >= ${from.toISOString()}::timestamptz`))
    .orderBy(desc(requestBodies.startedAt))
    .limit(limit);
}
