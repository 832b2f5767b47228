import { createMcpServer, createMcpServerInputSchema, listMcpServers } from "@/server/admin/mcp-servers";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/mcp-servers — the org's upstream MCP servers (never their credentials). */
export const GET = adminRoute(async ({ db, actor }) => resultJson(await listMcpServers(db, actor)));

/** POST /api/admin/mcp-servers {"slug","name","url","auth_mode"?,"auth_header_name"?,"credential"?,"oauth_token_url"?,"oauth_client_id"?,"oauth_scope"?,"timeout_ms"?,"forward_headers"?,"log_arguments"?} */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, createMcpServerInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await createMcpServer(db, actor, body.value), 201);
});
