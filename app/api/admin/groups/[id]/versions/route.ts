import { getGroup } from "@/server/admin/groups";
import { adminRoute, errorJson, isUuid, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/groups/:id/versions — every version of the group's definition, newest first. */
export const GET = adminRoute(async ({ db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such model group.", "not_found");
  const result = await getGroup(db, actor, params.id);
  return resultJson(result.ok ? { ok: true, value: result.value.versions ?? [] } : result);
});
