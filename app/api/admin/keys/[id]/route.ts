import { getKeyDetail, revokeVirtualKey } from "@/server/admin/keys";
import { adminRoute, errorJson, isUuid, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/keys/:id — the key (never its secret) and its last 30 days' spend. */
export const GET = adminRoute(async ({ db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such key.", "not_found");
  return resultJson(await getKeyDetail(db, actor, params.id));
});

/** DELETE /api/admin/keys/:id — revokes the key (the row stays for the ledger). Takes effect on every replica within seconds. */
export const DELETE = adminRoute(async ({ db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such key.", "not_found");
  return resultJson(await revokeVirtualKey(db, actor, params.id));
});
