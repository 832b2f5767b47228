import { listMcpTools } from "@/server/admin/mcp-tools";
import { adminRoute, errorJson, isUuid, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/mcp-servers/:id/tools — every tool seen, its status, flags, exposed name (or why not), definition and approved definition. */
export const GET = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await listMcpTools(db, actor, params.id)) : errorJson(404, "No such MCP server.", "not_found")));
