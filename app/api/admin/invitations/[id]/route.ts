import { revokeInvitation } from "@/server/admin/invitations";
import { adminRoute, errorJson, isUuid, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** DELETE /api/admin/invitations/:id — the link stops working. */
export const DELETE = adminRoute(async ({ db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such open invitation.", "not_found");
  return resultJson(await revokeInvitation(db, actor, params.id));
});
