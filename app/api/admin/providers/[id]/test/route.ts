import { adminRoute, errorJson, isUuid, resultJson } from "@/server/admin/rest";
import { testProviderConnection } from "@/server/admin/test-connection";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/providers/:id/test — calls the provider's list-models endpoint with the stored credential. */
export const POST = adminRoute(async ({ db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such provider connection.", "not_found");
  return resultJson(await testProviderConnection(db, actor, params.id));
});
