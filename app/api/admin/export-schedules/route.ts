import { createExportSchedule, createExportScheduleInputSchema, listExportSchedulesFor } from "@/server/admin/export-schedules";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/export-schedules — every scheduled export with its latest delivery (owner, admin, finance). */
export const GET = adminRoute(async ({ db, actor }) => {
  const result = await listExportSchedulesFor(db, actor);
  return result.ok ? Response.json({ data: result.value }) : resultJson(result);
});

/** POST /api/admin/export-schedules {"name","format":"csv"|"focus","group_by"?,"webhook_url","enabled"?} → 201. */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, createExportScheduleInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await createExportSchedule(db, actor, body.value), 201);
});
