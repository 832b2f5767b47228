import { deleteExportSchedule, getExportSchedule, updateExportSchedule, updateExportScheduleInputSchema } from "@/server/admin/export-schedules";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const notFound = () => errorJson(404, "No such export schedule.", "not_found");

/** GET /api/admin/export-schedules/:id — the schedule and its deliveries, newest month first. */
export const GET = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await getExportSchedule(db, actor, params.id)) : notFound()));

/** PATCH /api/admin/export-schedules/:id {"name"?,"group_by"?,"webhook_url"?,"enabled"?} */
export const PATCH = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return notFound();
  const body = await readBody(request, updateExportScheduleInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await updateExportSchedule(db, actor, params.id, body.value));
});

/** DELETE /api/admin/export-schedules/:id — the schedule and its delivery history. */
export const DELETE = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await deleteExportSchedule(db, actor, params.id)) : notFound()));
