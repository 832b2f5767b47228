export const groupings = [
  ["team", "Team"],
  ["key", "Key"],
  ["user", "End user"],
  ["model", "Model"],
  ["provider", "Provider"],
  ["region", "Region"],
  ["tag", "Cost centre"],
] as const;
export type Grouping = (typeof groupings)[number][0];

export type PeriodChoice = "this_month" | "last_month" | "custom";

export interface ReportForm {
  period: PeriodChoice;
  /** Custom range, both days included (local dates in the org's time zone). */
  fromDay: string;
  toDay: string;
  groupBy: Grouping;
}

/** The day after a YYYY-MM-DD date (calendar arithmetic only). */
export function nextDay(day: string): string {
  const [year, month, date] = day.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
}

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** What the report API takes: a named period, or [from, to) with `to` the day after the last day shown. */
export function toQuery(form: ReportForm): { period?: "this_month" | "last_month"; from?: string; to?: string; group_by: Grouping } | null {
  if (form.period !== "custom") return { period: form.period, group_by: form.groupBy };
  if (!dayPattern.test(form.fromDay) || !dayPattern.test(form.toDay)) return null;
  return { from: form.fromDay, to: nextDay(form.toDay), group_by: form.groupBy };
}

export function exportHref(query: { period?: string; month?: string; from?: string; to?: string; group_by: Grouping; team_id?: string }, format: "csv" | "focus"): string {
  const params = new URLSearchParams({ format });
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, value);
  return `/reports/export?${params.toString()}`;
}
