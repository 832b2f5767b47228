import { restoreGroupInputSchema, restoreGroupVersion } from "@/server/admin/groups";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/groups/:id/restore {"version": N}: version N's definition becomes current, as a new version. */
export const POST = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such model group.", "not_found");
  const body = await readBody(request, restoreGroupInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await restoreGroupVersion(db, actor, params.id, body.value.version));
});
