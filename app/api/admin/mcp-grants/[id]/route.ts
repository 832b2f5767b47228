import { deleteMcpGrant } from "@/server/admin/mcp-grants";
import { adminRoute, errorJson, isUuid, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** DELETE /api/admin/mcp-grants/:id — applies on the next request. */
export const DELETE = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await deleteMcpGrant(db, actor, params.id)) : errorJson(404, "No such MCP grant.", "not_found")));
