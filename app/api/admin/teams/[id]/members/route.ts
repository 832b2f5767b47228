import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";
import { addTeamMember, teamMemberInputSchema } from "@/server/admin/teams";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/teams/:id/members {"user_id"} */
export const POST = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such team.", "not_found");
  const body = await readBody(request, teamMemberInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await addTeamMember(db, actor, params.id, body.value.user_id), 201);
});
