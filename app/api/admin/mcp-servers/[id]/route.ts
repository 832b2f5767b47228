import { deleteMcpServer, getMcpServer, updateMcpServer, updateMcpServerInputSchema } from "@/server/admin/mcp-servers";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const notFound = () => errorJson(404, "No such MCP server.", "not_found");

/** GET /api/admin/mcp-servers/:id */
export const GET = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await getMcpServer(db, actor, params.id)) : notFound()));

/** PATCH /api/admin/mcp-servers/:id — any field of POST but the slug; a credential replaces the stored one. */
export const PATCH = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return notFound();
  const body = await readBody(request, updateMcpServerInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await updateMcpServer(db, actor, params.id, body.value));
});

/** DELETE /api/admin/mcp-servers/:id — with its tools and grants. */
export const DELETE = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await deleteMcpServer(db, actor, params.id)) : notFound()));
