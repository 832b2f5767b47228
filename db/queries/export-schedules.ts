import { and, desc, eq, sql } from "drizzle-orm";
import { executeRows, type Executor } from "../client";
import { exportDeliveries, exportSchedules } from "../schema";

export type ExportScheduleRow = typeof exportSchedules.$inferSelect;
export type ExportDeliveryRow = typeof exportDeliveries.$inferSelect;

export async function insertExportSchedule(tx: Executor, values: typeof exportSchedules.$inferInsert): Promise<ExportScheduleRow> {
  const [row] = await tx.insert(exportSchedules).values(values).returning();
  return row;
}

export async function updateExportScheduleRow(tx: Executor, orgId: string, id: string, patch: Partial<Pick<ExportScheduleRow, "name" | "format" | "groupBy" | "webhookUrl" | "enabled">>): Promise<ExportScheduleRow | undefined> {
  const [row] = await tx
    .update(exportSchedules)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(exportSchedules.orgId, orgId), eq(exportSchedules.id, id)))
    .returning();
  return row;
}

export async function deleteExportScheduleRow(tx: Executor, orgId: string, id: string): Promise<void> {
  await tx.delete(exportSchedules).where(and(eq(exportSchedules.orgId, orgId), eq(exportSchedules.id, id)));
}

export async function findExportSchedule(db: Executor, orgId: string, id: string): Promise<ExportScheduleRow | undefined> {
  const [row] = await db.select().from(exportSchedules).where(and(eq(exportSchedules.orgId, orgId), eq(exportSchedules.id, id)));
  return row;
}

export async function listExportSchedules(db: Executor, orgId: string): Promise<ExportScheduleRow[]> {
  return db.select().from(exportSchedules).where(eq(exportSchedules.orgId, orgId)).orderBy(exportSchedules.createdAt);
}

/** A schedule's deliveries, newest period first. */
export async function listExportDeliveries(db: Executor, scheduleId: string, limit = 24): Promise<ExportDeliveryRow[]> {
  return db.select().from(exportDeliveries).where(eq(exportDeliveries.scheduleId, scheduleId)).orderBy(desc(exportDeliveries.period)).limit(limit);
}

/** The latest delivery of each of an org's schedules. */
export async function latestDeliveries(db: Executor, orgId: string): Promise<Map<string, ExportDeliveryRow>> {
  const rows = await db
    .selectDistinctOn([exportDeliveries.scheduleId], { delivery: exportDeliveries })
    .from(exportDeliveries)
    .innerJoin(exportSchedules, eq(exportSchedules.id, exportDeliveries.scheduleId))
    .where(eq(exportSchedules.orgId, orgId))
    .orderBy(exportDeliveries.scheduleId, desc(exportDeliveries.period));
  return new Map(rows.map((row) => [row.delivery.scheduleId, row.delivery]));
}

/** Every enabled schedule with its org's time zone (which month has just ended depends on it). */
export async function listEnabledSchedules(db: Executor): Promise<Array<{ id: string; timeZone: string }>> {
  return executeRows<{ id: string; timeZone: string }>(
    db,
    sql`select s.id, o.time_zone as "timeZone" from export_schedules s join organizations o on o.id = s.org_id where s.enabled`,
  );
}

/** Makes the pending delivery of each (schedule, month) that has none yet; a month is delivered once. */
export async function insertDueDeliveries(db: Executor, due: Array<{ scheduleId: string; period: string }>, now: Date): Promise<number> {
  if (due.length === 0) return 0;
  const rows = await db
    .insert(exportDeliveries)
    .values(due.map((entry) => ({ scheduleId: entry.scheduleId, period: entry.period, nextAttemptAt: now })))
    .onConflictDoNothing()
    .returning({ id: exportDeliveries.id });
  return rows.length;
}

/** "Send now": the period's delivery back to pending with a new generation (a new idempotency key), due at once. */
export async function requeueDelivery(tx: Executor, scheduleId: string, period: string, now: Date): Promise<ExportDeliveryRow> {
  const [row] = await tx
    .insert(exportDeliveries)
    .values({ scheduleId, period, nextAttemptAt: now })
    .onConflictDoUpdate({
      target: [exportDeliveries.scheduleId, exportDeliveries.period],
      set: {
        status: "pending",
        generation: sql`${exportDeliveries.generation} + 1`,
        attempts: 0,
        nextAttemptAt: now,
        claimToken: null,
        claimedUntil: null,
        lastError: null,
        responseStatus: null,
        updatedAt: now,
      },
    })
    .returning();
  return row;
}

export type ClaimedDelivery = {
  id: string;
  scheduleId: string;
  orgId: string;
  period: string;
  attempts: number;
  generation: number;
  claimToken: string;
};

/**
 * Claims one due pending delivery of an enabled schedule: the row is locked with `for update skip locked` (another
 * runner skips it instead of waiting) and stamped with this runner's claim token and a lease, so it is delivered by
 * one runner at a time; a runner that dies leaves a lease that expires and the row is claimed again.
 */
export async function claimDueDelivery(db: Executor, claimToken: string, now: Date, leaseMs: number): Promise<ClaimedDelivery | undefined> {
  const [row] = await executeRows<ClaimedDelivery>(
    db,
    sql`update export_deliveries d
        set claim_token = ${claimToken}::uuid, claimed_until = ${now.toISOString()}::timestamptz + ${leaseMs} * interval '1 millisecond',
            attempts = d.attempts + 1, updated_at = ${now.toISOString()}::timestamptz
        where d.id = (
          select e.id from export_deliveries e join export_schedules s on s.id = e.schedule_id
          where e.status = 'pending' and s.enabled and e.next_attempt_at <= ${now.toISOString()}::timestamptz
            and (e.claimed_until is null or e.claimed_until < ${now.toISOString()}::timestamptz)
          order by e.next_attempt_at, e.id
          limit 1
          for update of e skip locked
        )
        returning d.id, d.schedule_id as "scheduleId", (select s.org_id from export_schedules s where s.id = d.schedule_id) as "orgId", d.period, d.attempts, d.generation, d.claim_token as "claimToken"`,
  );
  return row;
}

export type DeliveryOutcome =
  | { status: "delivered"; responseStatus: number; bytes: number; rows: number; at: Date }
  | { status: "pending" | "failed"; responseStatus: number | null; error: string; nextAttemptAt: Date; bytes: number | null; rows: number | null; at: Date };

/** Records an attempt's outcome, only while the claim is still this runner's ("Send now" takes it back). */
export async function finishDelivery(db: Executor, claim: Pick<ClaimedDelivery, "id" | "claimToken">, outcome: DeliveryOutcome): Promise<boolean> {
  const common = { claimToken: null, claimedUntil: null, updatedAt: outcome.at, responseStatus: outcome.responseStatus, bytes: outcome.bytes, rows: outcome.rows };
  const values =
    outcome.status === "delivered"
      ? { ...common, status: "delivered", lastError: null, deliveredAt: outcome.at }
      : { ...common, status: outcome.status, lastError: outcome.error, nextAttemptAt: outcome.nextAttemptAt };
  const rows = await db
    .update(exportDeliveries)
    .set(values)
    .where(and(eq(exportDeliveries.id, claim.id), eq(exportDeliveries.claimToken, claim.claimToken)))
    .returning({ id: exportDeliveries.id });
  return rows.length === 1;
}
