import { findRequest } from "@/db/queries/usage-ledger";
import { can } from "@/server/admin/permissions";
import { adminRoute, errorJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/requests/:id — one ledger row by its request id (the x-request-id header). */
export const GET = adminRoute(async ({ db, actor, params }) => {
  if (!can(actor.role, "requests:read")) return errorJson(403, "Your role cannot read requests.", "forbidden");
  const row = await findRequest(db, actor.orgId, params.id.slice(0, 100));
  return row ? Response.json(row) : errorJson(404, "No such request.", "not_found");
});
