import { localDateOf, startOfLocalDay, type LocalDate } from "@/server/reports/time-zone";

export type BudgetPeriod = "daily" | "weekly" | "monthly" | "lifetime";

/** The local calendar date `days` after `date` (plain calendar arithmetic). */
function addDays(date: LocalDate, days: number): LocalDate {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

function firstLocalDay(period: Exclude<BudgetPeriod, "lifetime">, at: Date, timeZone: string): LocalDate {
  const today = localDateOf(at, timeZone);
  switch (period) {
    case "daily":
      return today;
    case "weekly": {
      const weekday = new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay();
      return addDays(today, -((weekday + 6) % 7));
    }
    case "monthly":
      return { ...today, day: 1 };
  }
}

/** Each (period, zone)'s current [start, end), reused until it ends: the hot path formats no dates per request. */
const current = new Map<string, { start: Date; end: number }>();

/**
 * The start of the calendar period containing `at` in the org's IANA time zone (weeks start on Monday; DST-correct:
 * a local midnight is found through the zone's offset at that instant); lifetime starts at the epoch.
 */
export function periodStart(period: BudgetPeriod, at: Date, timeZone = "UTC"): Date {
  if (period === "lifetime") return new Date(0);
  const cacheKey = `${period}|${timeZone}`;
  const cached = current.get(cacheKey);
  const now = at.getTime();
  if (cached && now >= cached.start.getTime() && now < cached.end) return cached.start;
  const first = firstLocalDay(period, at, timeZone);
  const start = startOfLocalDay(first, timeZone);
  const end = periodEnd(period, start, timeZone)!;
  current.set(cacheKey, { start, end: end.getTime() });
  return start;
}

/** The start of the next period (null for lifetime), in the same zone. */
export function periodEnd(period: BudgetPeriod, start: Date, timeZone = "UTC"): Date | null {
  if (period === "lifetime") return null;
  const first = localDateOf(start, timeZone);
  const next = period === "daily" ? addDays(first, 1) : period === "weekly" ? addDays(first, 7) : first.month === 12 ? { year: first.year + 1, month: 1, day: 1 } : { year: first.year, month: first.month + 1, day: 1 };
  return startOfLocalDay(next, timeZone);
}
