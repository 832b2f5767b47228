import { and, desc, eq, lt, sql } from "drizzle-orm";
import { executeRows, type Executor } from "../client";
import { routingEvents } from "../schema";

export type RoutingEventRow = typeof routingEvents.$inferSelect;
export type NewRoutingEvent = typeof routingEvents.$inferInsert;

/** One statement per batch, whatever its size (one JSON parameter, as the ledger's insert). */
export async function insertRoutingEvents(db: Executor, rows: NewRoutingEvent[]): Promise<void> {
  if (rows.length === 0) return;
  const payload = JSON.stringify(
    rows.map((row) => ({ org_id: row.orgId, at: (row.at as Date).toISOString(), group_id: row.groupId ?? null, group_name: row.groupName, deployment: row.deployment, model_id: row.modelId ?? null, kind: row.kind, state: row.state ?? null, reason: row.reason, replica: row.replica })),
  );
  await executeRows(
    db,
    sql`insert into routing_events (org_id, at, group_id, group_name, deployment, model_id, kind, state, reason, replica)
      select e.org_id, e.at, e.group_id, e.group_name, e.deployment, e.model_id, e.kind, e.state, e.reason, e.replica
      from json_to_recordset(${payload}::json) as e(org_id uuid, at timestamptz, group_id uuid, group_name text, deployment text, model_id uuid, kind text, state text, reason text, replica text)
      join organizations o on o.id = e.org_id`,
  );
}

/** The org's events, newest first, optionally of one group, before a time (paging). */
export async function listRoutingEventRows(db: Executor, orgId: string, options: { groupId?: string; before?: Date; limit: number }): Promise<RoutingEventRow[]> {
  const conditions = [eq(routingEvents.orgId, orgId)];
  if (options.groupId) conditions.push(eq(routingEvents.groupId, options.groupId));
  if (options.before) conditions.push(lt(routingEvents.at, options.before));
  return db
    .select()
    .from(routingEvents)
    .where(and(...conditions))
    .orderBy(desc(routingEvents.at))
    .limit(options.limit);
}

/** Deletes events older than `before` (the timeline keeps ROUTING_EVENT_RETENTION_DAYS). */
export async function pruneRoutingEvents(db: Executor, before: Date): Promise<void> {
  await db.delete(routingEvents).where(lt(routingEvents.at, before));
}
