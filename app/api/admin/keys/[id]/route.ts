import { revokeVirtualKey } from "@/server/admin/keys";
import { adminRoute, errorJson, isUuid, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** DELETE /api/admin/keys/:id — revokes the key (the row stays for the ledger). Takes effect on every replica within seconds. */
export const DELETE = adminRoute(async ({ db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such key.", "not_found");
  return resultJson(await revokeVirtualKey(db, actor, params.id));
});
