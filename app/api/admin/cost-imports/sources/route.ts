import { setCostSourceInputSchema, setProviderCostSource } from "@/server/admin/cost-imports";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/cost-imports/sources {provider, admin_key?, base_url?, enabled?, lookback_days?} — sets a provider's cost API. */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, setCostSourceInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await setProviderCostSource(db, actor, body.value));
});
