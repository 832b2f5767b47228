import { promoteExperimentVariant, promoteInputSchema } from "@/server/admin/experiment-decisions";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/experiments/:id/promote {"variant"}: the winner becomes the group's definition (a new version); the experiment stops. */
export const POST = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such experiment.", "not_found");
  const body = await readBody(request, promoteInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await promoteExperimentVariant(db, actor, params.id, body.value));
});
