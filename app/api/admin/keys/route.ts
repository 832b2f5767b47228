import { createKeyInputSchema, createVirtualKey, listVirtualKeys } from "@/server/admin/keys";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/keys — every key of the organization (never the key itself). */
export const GET = adminRoute(async ({ db, actor }) => resultJson(await listVirtualKeys(db, actor)));

/** POST /api/admin/keys {"name","models"?,"expires_at"?,"team_id"?,"user_id"?,"metadata"?} — returns {"key":"vk_…",…} once. */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, createKeyInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await createVirtualKey(db, actor, body.value), 201);
});
