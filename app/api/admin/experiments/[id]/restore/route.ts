import { restoreExperimentInputSchema, restoreExperimentVersion } from "@/server/admin/experiment-edits";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/experiments/:id/restore {"version": N}: version N's settings become current, as a new version. */
export const POST = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such experiment.", "not_found");
  const body = await readBody(request, restoreExperimentInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await restoreExperimentVersion(db, actor, params.id, body.value.version));
});
