import { z } from "zod";
import { csvResponse } from "@/server/admin/csv-response";
import { focusCsvFor, reportCsvFor } from "@/server/admin/report-exports";
import { reportQuerySchema, usageReportFor } from "@/server/admin/reports";
import { adminRoute, errorJson, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const querySchema = reportQuerySchema.extend({ format: z.enum(["json", "csv", "focus"]).default("json") });

/**
 * GET /api/admin/reports/usage?period=last_month|this_month | month=YYYY-MM | from=…&to=…
 * &group_by=team|key|user|model|provider|region|tag&format=json|csv|focus — the usage report of
 * a period in the org's time zone (owner, admin and finance tokens). csv: the grouped report;
 * focus: every charged request as FinOps FOCUS 1.2 rows, streamed.
 */
export const GET = adminRoute(async ({ request, db, actor }) => {
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return errorJson(400, `Invalid value for '${issue.path.join(".")}': ${issue.message}`, "invalid_value", issue.path.join("."));
  }
  const { format, ...query } = parsed.data;
  if (format === "csv") return csvResponse(await reportCsvFor(db, actor, query));
  if (format === "focus") return csvResponse(await focusCsvFor(db, actor, query));
  const result = await usageReportFor(db, actor, query);
  if (!result.ok) return resultJson(result);
  const { period, groupBy, currency, totals, groups } = result.value;
  return Response.json({
    period: { from: period.from.toISOString(), to: period.to.toISOString(), time_zone: period.timeZone, label: period.label },
    group_by: groupBy,
    currency,
    totals: snake(totals),
    groups: groups.map((group) => ({ key: group.key, name: group.name, ...snake(group) })),
  });
});

/** list_cost_usd is null where it was not recorded (a closed month's frozen lines, adjustments). */
function snake(row: { requests: number; inputTokens: number; cachedInputTokens: number; outputTokens: number; costUsd: string; listCostUsd?: string }) {
  return { requests: row.requests, input_tokens: row.inputTokens, cached_input_tokens: row.cachedInputTokens, output_tokens: row.outputTokens, cost_usd: row.costUsd, list_cost_usd: row.listCostUsd ?? null };
}
