import { createMcpGrant, createMcpGrantInputSchema, listMcpGrants } from "@/server/admin/mcp-grants";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/mcp-grants */
export const GET = adminRoute(async ({ db, actor }) => resultJson(await listMcpGrants(db, actor)));

/** POST /api/admin/mcp-grants {"subject":"key"|"team","subject_id","server_id"?,"tool"?,"rpm"?,"concurrency"?,"cost_per_call_usd"?} */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, createMcpGrantInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await createMcpGrant(db, actor, body.value), 201);
});
