import { cacheSettingsInputSchema, getCacheSettings, setCacheSettings } from "@/server/admin/response-cache";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/cache — the org's response cache default: {"mode","ttl_seconds"}. */
export const GET = adminRoute(async ({ db, actor }) => resultJson(await getCacheSettings(db, actor)));

/** PUT /api/admin/cache {"mode": "off" | "org" | "key", "ttl_seconds"?: 1…2592000} (owner, admin). */
export const PUT = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, cacheSettingsInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await setCacheSettings(db, actor, body.value));
});
