import { experimentStatusInputSchema, setExperimentStatus } from "@/server/admin/experiments";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/experiments/:id/status {"status":"running"|"paused"|"stopped"}: start, pause, stop. */
export const POST = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such experiment.", "not_found");
  const body = await readBody(request, experimentStatusInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await setExperimentStatus(db, actor, params.id, body.value.status));
});
