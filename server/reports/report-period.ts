import { z } from "zod";
import { addMonths, formatMonth, localDateOf, monthRange, parseLocalDate, startOfLocalDay } from "./time-zone";

/**
 * A report's period, in the org's time zone: this month, last month, a calendar month
 * (YYYY-MM), or a custom [from, to) where each end is a local date (its midnight in the org's
 * zone) or an ISO date-time with an offset. Always half-open: `to` is excluded.
 */
export const reportPeriodSchema = z.object({
  period: z.enum(["this_month", "last_month"]).optional(),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM")
    .optional(),
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
});
export type ReportPeriodInput = z.infer<typeof reportPeriodSchema>;

export interface ReportPeriod {
  from: Date;
  to: Date;
  timeZone: string;
  /** "2026-11" for a calendar month, else "custom". */
  label: string;
}

const MAX_RANGE_MS = 400 * 24 * 60 * 60 * 1000;

function parseEnd(text: string, timeZone: string): Date | null {
  const date = parseLocalDate(text);
  if (date) return startOfLocalDay(date, timeZone);
  if (!z.iso.datetime({ offset: true }).safeParse(text).success) return null;
  return new Date(text);
}

export function resolveReportPeriod(input: ReportPeriodInput, timeZone: string, now = new Date()): { ok: true; value: ReportPeriod } | { ok: false; message: string; field: string } {
  const given = [input.period, input.month, input.from ?? input.to].filter((value) => value !== undefined).length;
  if (given > 1) return { ok: false, message: "Give one of period, month, or from and to.", field: input.month ? "month" : "period" };
  if (input.from !== undefined || input.to !== undefined) {
    if (input.from === undefined || input.to === undefined) return { ok: false, message: "A custom period needs both from and to.", field: input.from === undefined ? "from" : "to" };
    const from = parseEnd(input.from, timeZone);
    if (!from) return { ok: false, message: "from must be a date (YYYY-MM-DD) or an ISO date-time with an offset.", field: "from" };
    const to = parseEnd(input.to, timeZone);
    if (!to) return { ok: false, message: "to must be a date (YYYY-MM-DD) or an ISO date-time with an offset.", field: "to" };
    if (to.getTime() <= from.getTime()) return { ok: false, message: "to must be after from (to is excluded).", field: "to" };
    if (to.getTime() - from.getTime() > MAX_RANGE_MS) return { ok: false, message: "A report covers at most 400 days.", field: "to" };
    return { ok: true, value: { from, to, timeZone, label: "custom" } };
  }
  let month: { year: number; month: number };
  if (input.month) month = { year: Number(input.month.slice(0, 4)), month: Number(input.month.slice(5, 7)) };
  else {
    const today = localDateOf(now, timeZone);
    month = addMonths({ year: today.year, month: today.month }, input.period === "last_month" ? -1 : 0);
  }
  return { ok: true, value: { ...monthRange(month, timeZone), timeZone, label: formatMonth(month) } };
}
