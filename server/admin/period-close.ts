import { z } from "zod";
import type { Database } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findOpenClose, insertPeriodClose, listPeriodCloses, lockPeriod, markReopened, type PeriodCloseRow } from "@/db/queries/period-closes";
import { monthRange } from "@/server/reports/time-zone";
import { can } from "./permissions";
import { orgTimeZone } from "./reports";
import { failure, isUniqueViolation, ok, type Actor, type ServiceResult } from "./service-result";

/**
 * Period close (README "Period close"): finance, owners and admins close a calendar month that
 * has ended; its totals are frozen in period_closes and period_close_lines. Rows recorded for it
 * later are reported as adjustments in the next open month, never as a silent change. Reopening
 * needs an owner. Both are audited in the same transaction.
 */
export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM");

export function parseMonth(month: string): { year: number; month: number } {
  return { year: Number(month.slice(0, 4)), month: Number(month.slice(5, 7)) };
}

export async function closePeriod(db: Database, actor: Actor, month: string, now = new Date()): Promise<ServiceResult<PeriodCloseRow>> {
  if (!can(actor.role, "periods:close")) return failure({ code: "forbidden", message: "Your role cannot close periods." });
  if (!monthSchema.safeParse(month).success) return failure({ code: "invalid", message: "month must be YYYY-MM.", field: "month" });
  const timeZone = await orgTimeZone(db, actor.orgId);
  const range = monthRange(parseMonth(month), timeZone);
  if (range.to.getTime() > now.getTime()) return failure({ code: "invalid", message: `${month} has not ended yet in ${timeZone}; close it once it has.`, field: "month" });
  try {
    const result = await db.transaction(async (tx) => {
      await lockPeriod(tx, actor.orgId, month);
      if (await findOpenClose(tx, actor.orgId, month)) return null;
      const close = await insertPeriodClose(tx, { orgId: actor.orgId, month, timeZone, periodStart: range.from, periodEnd: range.to, closedBy: actor.id });
      await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "period.close", targetType: "period", targetId: month, after: close });
      return close;
    });
    return result ? ok(result) : failure({ code: "conflict", message: `${month} is closed already.` });
  } catch (error) {
    if (isUniqueViolation(error)) return failure({ code: "conflict", message: `${month} is closed already.` });
    throw error;
  }
}

export async function reopenPeriod(db: Database, actor: Actor, month: string): Promise<ServiceResult<PeriodCloseRow>> {
  if (!can(actor.role, "periods:reopen")) return failure({ code: "forbidden", message: "Only an owner can reopen a closed period." });
  if (!monthSchema.safeParse(month).success) return failure({ code: "invalid", message: "month must be YYYY-MM.", field: "month" });
  const result = await db.transaction(async (tx) => {
    await lockPeriod(tx, actor.orgId, month);
    const existing = await findOpenClose(tx, actor.orgId, month);
    if (!existing) return null;
    const reopened = await markReopened(tx, existing.id, actor.id);
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "period.reopen", targetType: "period", targetId: month, before: existing, after: reopened });
    return reopened;
  });
  return result ? ok(result) : failure({ code: "not_found", message: `${month} is not closed.` });
}

export async function listPeriodsFor(db: Database, actor: Actor): Promise<ServiceResult<PeriodCloseRow[]>> {
  if (!can(actor.role, "reports:read")) return failure({ code: "forbidden", message: "Your role cannot read usage reports." });
  return ok(await listPeriodCloses(db, actor.orgId));
}
