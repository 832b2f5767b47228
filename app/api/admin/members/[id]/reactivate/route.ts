import { reactivateMember } from "@/server/admin/members";
import { adminRoute, errorJson, isUuid, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/members/:userId/reactivate — they may sign in again. */
export const POST = adminRoute(async ({ db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such member.", "not_found");
  return resultJson(await reactivateMember(db, actor, params.id));
});
