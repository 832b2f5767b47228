import { listExportDeliveriesFor } from "@/server/admin/export-schedules";
import { adminRoute, errorJson, isUuid, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/export-schedules/:id/deliveries — the schedule's deliveries (status, attempts, last error), newest month first. */
export const GET = adminRoute(async ({ db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such export schedule.", "not_found");
  const result = await listExportDeliveriesFor(db, actor, params.id);
  return result.ok ? Response.json({ data: result.value }) : resultJson(result);
});
