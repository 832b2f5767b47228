import { sendExportInputSchema, sendExportNow } from "@/server/admin/export-schedules";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/export-schedules/:id/send {"period":"YYYY-MM"} → 202, the delivery queued (a new idempotency key). */
export const POST = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such export schedule.", "not_found");
  const body = await readBody(request, sendExportInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await sendExportNow(db, actor, params.id, body.value.period), 202);
});
