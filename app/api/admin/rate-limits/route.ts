import { listRateLimits, rateLimitFilterSchema, setRateLimit, setRateLimitInputSchema } from "@/server/admin/rate-limits";
import { adminRoute, errorJson, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/rate-limits?scope=&scope_id= — every limit of the org (owner, admin, finance, viewer). */
export const GET = adminRoute(async ({ request, db, actor }) => {
  const query = Object.fromEntries(new URL(request.url).searchParams);
  const filter = rateLimitFilterSchema.safeParse(query);
  if (!filter.success) return errorJson(400, "scope must be one of org, key, team, user, model.", "invalid_value", "scope");
  return resultJson(await listRateLimits(db, actor, filter.data));
});

/** POST /api/admin/rate-limits {"scope","scope_id"?,"rpm"?,"tpm"?,"concurrency"?,"fail_mode"?}: creates (201) or replaces (200) the scope's limit. */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, setRateLimitInputSchema);
  if (!body.ok) return body.response;
  const result = await setRateLimit(db, actor, body.value);
  return resultJson(result, result.ok && result.value.created ? 201 : 200);
});
