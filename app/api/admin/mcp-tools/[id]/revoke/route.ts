import { revokeMcpTool } from "@/server/admin/mcp-tools";
import { adminRoute, errorJson, isUuid, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/mcp-tools/:id/revoke — withdraws the approval; the tool is hidden at once. */
export const POST = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await revokeMcpTool(db, actor, params.id)) : errorJson(404, "No such MCP tool.", "not_found")));
