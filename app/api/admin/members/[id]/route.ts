import { changeMemberRole, changeRoleInputSchema } from "@/server/admin/members";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** PATCH /api/admin/members/:userId {"role"} — only an owner gives or takes the owner role; the last owner stays. */
export const PATCH = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such member.", "not_found");
  const body = await readBody(request, changeRoleInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await changeMemberRole(db, actor, params.id, body.value.role));
});
