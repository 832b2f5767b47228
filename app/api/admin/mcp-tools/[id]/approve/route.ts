import { approveMcpTool, approveMcpToolInputSchema } from "@/server/admin/mcp-tools";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/mcp-tools/:id/approve {"definition_hash","acknowledge_flags"?} — pins the definition the admin reviewed. */
export const POST = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such MCP tool.", "not_found");
  const body = await readBody(request, approveMcpToolInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await approveMcpTool(db, actor, params.id, body.value));
});
