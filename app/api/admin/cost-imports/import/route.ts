import { importNowInputSchema, importProviderCostsNow } from "@/server/admin/cost-imports";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/cost-imports/import {provider} — "Import now": the provider's last days, now (its outcome, failed or not). */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, importNowInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await importProviderCostsNow(db, actor, body.value.provider));
});
