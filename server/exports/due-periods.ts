import { resolveReportPeriod } from "@/server/reports/report-period";

/**
 * The month a schedule delivers now: the last calendar month that has ended in the org's time zone (a New York
 * schedule delivers November at 05:00 UTC on December 1st, not at midnight UTC).
 */
export function lastEndedMonth(timeZone: string, now: Date): string {
  const period = resolveReportPeriod({ period: "last_month" }, timeZone, now);
  if (!period.ok) throw new Error(period.message);
  return period.value.label;
}

/** Waits after failed attempts 1, 2, 3 and 4; the fifth failure is final. */
export const DEFAULT_RETRY_BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000];

/** When the next attempt is due after `attempts` failed ones, or null when the attempts are spent. */
export function nextAttemptAfter(attempts: number, now: Date, backoffMs: readonly number[] = DEFAULT_RETRY_BACKOFF_MS): Date | null {
  const wait = backoffMs[attempts - 1];
  return wait === undefined ? null : new Date(now.getTime() + wait);
}
