import { z } from "zod";
import type { Database } from "@/db/client";
import { findOrganization } from "@/db/queries/organizations";
import { reportGroupings, usageReport, type ReportGroup, type ReportGrouping, type ReportTotals } from "@/db/queries/usage-reports";
import { reportPeriodSchema, resolveReportPeriod, type ReportPeriod } from "@/server/reports/report-period";
import { closedReport } from "@/db/queries/period-closes";
import { adjustmentsFor, lateGroups, openCloses, sumTotals } from "./period-adjustments";
import { can } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

/**
 * Usage reports for finance, owners and admins (reports:read): a period in the org's time zone,
 * grouped by team, key, end user, model, provider, region or cost-centre tag. One
 * implementation for tRPC, the console's downloads and GET /api/admin/reports/usage.
 */
export const reportQuerySchema = reportPeriodSchema.extend({
  group_by: z.enum(reportGroupings).default("team"),
  /** Only this team's usage: a chargeback statement. */
  team_id: z.uuid().optional(),
});
export type ReportQuery = z.infer<typeof reportQuerySchema>;

export interface UsageReport {
  period: ReportPeriod;
  groupBy: ReportGrouping;
  currency: "USD";
  /** The sum of every group below (usage and adjustments), exact. */
  totals: ReportTotals;
  /** Usage groups, then adjustment groups (late rows of closed months, `adjustmentFor` names the month). */
  groups: Array<ReportGroup & { name: string; adjustmentFor: string | null }>;
  /** Set when the month is closed: its groups and totals are the frozen snapshot. */
  close: { closedAt: Date; closedBy: string; frozenCostUsd: string; lateCostUsd: string; adjustmentMonth: string } | null;
}

/** What a row without a value is called, per grouping. */
export const ungroupedNames: Record<ReportGrouping, string> = {
  team: "No team",
  key: "No key",
  user: "No end user",
  model: "No model",
  provider: "No provider",
  region: "No region",
  tag: "Untagged",
};

const forbidden = failure({ code: "forbidden", message: "Your role cannot read usage reports." });

export async function orgTimeZone(db: Database, orgId: string): Promise<string> {
  return (await findOrganization(db, orgId))?.timeZone ?? "UTC";
}

/** The actor's period, resolved in the org's time zone. */
export async function reportPeriodFor(db: Database, actor: Actor, input: z.infer<typeof reportPeriodSchema>): Promise<ServiceResult<ReportPeriod>> {
  if (!can(actor.role, "reports:read")) return forbidden;
  const resolved = resolveReportPeriod(input, await orgTimeZone(db, actor.orgId));
  return resolved.ok ? ok(resolved.value) : failure({ code: "invalid", message: resolved.message, field: resolved.field });
}

export async function usageReportFor(db: Database, actor: Actor, input: ReportQuery): Promise<ServiceResult<UsageReport>> {
  const period = await reportPeriodFor(db, actor, input);
  if (!period.ok) return period;
  const name = (group: ReportGroup) => group.label ?? group.key ?? ungroupedNames[input.group_by];
  const isMonth = period.value.label !== "custom";
  const closes = isMonth ? await openCloses(db, actor.orgId) : [];
  const close = closes.find((candidate) => candidate.month === period.value.label);
  if (close) {
    // A closed month reports its frozen snapshot; what arrived since is shown, and billed in the next open month.
    const [frozen, late] = await Promise.all([closedReport(db, close.id, input.group_by, { teamId: input.team_id }), lateGroups(db, close, input.group_by, input.team_id)]);
    const totals = sumTotals(frozen);
    return ok({
      period: { ...period.value, from: close.periodStart, to: close.periodEnd, timeZone: close.timeZone },
      groupBy: input.group_by,
      currency: "USD",
      totals,
      groups: frozen.map((group) => ({ ...group, name: name(group), adjustmentFor: null })),
      close: { closedAt: close.closedAt, closedBy: close.closedBy, frozenCostUsd: totals.costUsd, lateCostUsd: sumTotals(late.groups).costUsd, adjustmentMonth: close.adjustmentMonth },
    });
  }
  const usage = await usageReport(db, { orgId: actor.orgId, from: period.value.from, to: period.value.to, teamId: input.team_id }, input.group_by);
  const adjustments = isMonth ? await adjustmentsFor(db, actor.orgId, period.value.label, input.group_by, input.team_id) : [];
  const groups = [...usage.groups.map((group) => ({ ...group, name: name(group), adjustmentFor: null })), ...adjustments.map((group) => ({ ...group, name: name(group) }))];
  return ok({ period: period.value, groupBy: input.group_by, currency: "USD", totals: adjustments.length > 0 ? sumTotals(groups) : usage.totals, groups, close: null });
}
