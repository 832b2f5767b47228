import { updateModel, updateModelInputSchema } from "@/server/admin/models";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** PATCH /api/admin/models/:id — any model field; "price" adds a new effective-dated price row. */
export const PATCH = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such model.", "not_found");
  const body = await readBody(request, updateModelInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await updateModel(db, actor, params.id, body.value));
});
