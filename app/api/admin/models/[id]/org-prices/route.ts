import { listOrgPricesFor, orgPriceInputSchema, setOrgPrice } from "@/server/admin/org-prices";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/models/:id/org-prices — the org's own price in force for the model and its history. */
export const GET = adminRoute(async ({ db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such model.", "not_found");
  return resultJson(await listOrgPricesFor(db, actor, params.id));
});

/** POST /api/admin/models/:id/org-prices {input, output, cached_input?, cache_write?, effective_from?} | {clear: true, effective_from?}. */
export const POST = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return errorJson(404, "No such model.", "not_found");
  const body = await readBody(request, orgPriceInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await setOrgPrice(db, actor, params.id, body.value), 201);
});
