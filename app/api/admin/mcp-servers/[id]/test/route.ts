import { testMcpServer } from "@/server/admin/mcp-tools";
import { adminRoute, errorJson, isUuid, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/mcp-servers/:id/test — connects with the saved row only, lists the tools and records what changed. */
export const POST = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await testMcpServer(db, actor, params.id)) : errorJson(404, "No such MCP server.", "not_found")));
