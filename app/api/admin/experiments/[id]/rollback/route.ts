import { rollbackExperimentVariant, rollbackInputSchema } from "@/server/admin/experiment-decisions";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/experiments/:id/rollback {"variant","reason"?}: the variant's traffic goes to the control. */
export const POST = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such experiment.", "not_found");
  const body = await readBody(request, rollbackInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await rollbackExperimentVariant(db, actor, params.id, body.value));
});
