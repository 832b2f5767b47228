import { z } from "zod";
import type { Database } from "@/db/client";
import { findOrganization } from "@/db/queries/organizations";
import { reportGroupings, usageReport, type ReportGroup, type ReportGrouping, type ReportTotals } from "@/db/queries/usage-reports";
import { reportPeriodSchema, resolveReportPeriod, type ReportPeriod } from "@/server/reports/report-period";
import { can } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

/**
 * Usage reports for finance, owners and admins (reports:read): a period in the org's time zone,
 * grouped by team, key, end user, model, provider, region or cost-centre tag. One
 * implementation for tRPC, the console's downloads and GET /api/admin/reports/usage.
 */
export const reportQuerySchema = reportPeriodSchema.extend({ group_by: z.enum(reportGroupings).default("team") });
export type ReportQuery = z.infer<typeof reportQuerySchema>;

export interface UsageReport {
  period: ReportPeriod;
  groupBy: ReportGrouping;
  currency: "USD";
  totals: ReportTotals;
  groups: Array<ReportGroup & { name: string }>;
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
  const { groups, totals } = await usageReport(db, { orgId: actor.orgId, from: period.value.from, to: period.value.to }, input.group_by);
  return ok({
    period: period.value,
    groupBy: input.group_by,
    currency: "USD",
    totals,
    groups: groups.map((group) => ({ ...group, name: group.label ?? group.key ?? ungroupedNames[input.group_by] })),
  });
}
