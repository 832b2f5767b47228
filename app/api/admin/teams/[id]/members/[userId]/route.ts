import { adminRoute, errorJson, isUuid, resultJson } from "@/server/admin/rest";
import { removeTeamMember } from "@/server/admin/teams";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** DELETE /api/admin/teams/:id/members/:userId */
export const DELETE = adminRoute(async ({ db, actor, params }) => {
  if (!isUuid(params.id) || !isUuid(params.userId)) return errorJson(404, "No such team member.", "not_found");
  return resultJson(await removeTeamMember(db, actor, params.id, params.userId));
});
