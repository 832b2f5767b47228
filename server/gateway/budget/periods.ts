export type BudgetPeriod = "daily" | "weekly" | "monthly" | "lifetime";

/** The start of the calendar period containing `at`, in UTC (weeks start on Monday); lifetime starts at the epoch. */
export function periodStart(period: BudgetPeriod, at: Date): Date {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  const day = at.getUTCDate();
  switch (period) {
    case "daily":
      return new Date(Date.UTC(year, month, day));
    case "weekly": {
      const sinceMonday = (at.getUTCDay() + 6) % 7;
      return new Date(Date.UTC(year, month, day - sinceMonday));
    }
    case "monthly":
      return new Date(Date.UTC(year, month, 1));
    case "lifetime":
      return new Date(0);
  }
}

/** The start of the next period (null for lifetime). */
export function periodEnd(period: BudgetPeriod, start: Date): Date | null {
  const year = start.getUTCFullYear();
  const month = start.getUTCMonth();
  const day = start.getUTCDate();
  switch (period) {
    case "daily":
      return new Date(Date.UTC(year, month, day + 1));
    case "weekly":
      return new Date(Date.UTC(year, month, day + 7));
    case "monthly":
      return new Date(Date.UTC(year, month + 1, 1));
    case "lifetime":
      return null;
  }
}
