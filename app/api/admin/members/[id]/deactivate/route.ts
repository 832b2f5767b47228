import { deactivateInputSchema, deactivateMember } from "@/server/admin/members";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/members/:userId/deactivate {"revoke_keys": true|false} — ends their console sessions at once. */
export const POST = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such member.", "not_found");
  const body = await readBody(request, deactivateInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await deactivateMember(db, actor, params.id, body.value));
});
