import { updateConnectionInputSchema, updateProviderConnection } from "@/server/admin/providers";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** PATCH /api/admin/providers/:id {"name"?,"base_url"?,"api_key"?,"region"?,"enabled"?} */
export const PATCH = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such provider connection.", "not_found");
  const body = await readBody(request, updateConnectionInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await updateProviderConnection(db, actor, params.id, body.value));
});
