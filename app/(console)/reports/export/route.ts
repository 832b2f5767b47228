import { z } from "zod";
import { getDb } from "@/db/client";
import { csvResponse } from "@/server/admin/csv-response";
import { focusCsvFor, reportCsvFor } from "@/server/admin/report-exports";
import { reportQuerySchema } from "@/server/admin/reports";
import { errorJson } from "@/server/admin/rest";
import { getSessionActor } from "@/server/auth/actor";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const querySchema = reportQuerySchema.extend({ format: z.enum(["csv", "focus"]) });

/** GET /reports/export?format=csv|focus&… — the console's downloads of a report (the signed-in member's session; owner, admin, finance). */
export async function GET(request: Request): Promise<Response> {
  const actor = await getSessionActor();
  if (!actor) return errorJson(401, "Sign in first.", "unauthorized");
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return errorJson(400, `Invalid value for '${issue.path.join(".")}': ${issue.message}`, "invalid_value", issue.path.join("."));
  }
  const { format, ...query } = parsed.data;
  const db = await getDb();
  return csvResponse(format === "focus" ? await focusCsvFor(db, actor, query) : await reportCsvFor(db, actor, query));
}
