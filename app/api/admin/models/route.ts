import { createModel, createModelInputSchema, listModelCatalog } from "@/server/admin/models";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/models — models with their connection, the price in force and the price history. */
export const GET = adminRoute(async ({ db, actor }) => resultJson(await listModelCatalog(db, actor)));

/** POST /api/admin/models {"name","connection_id","upstream_model","context_window"?,"max_output_tokens"?,"region"?,"enabled"?,"price":{"input","output","cached_input"?,"cache_write"?,"effective_from"?}} */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, createModelInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await createModel(db, actor, body.value), 201);
});
