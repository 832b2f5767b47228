import { deleteRateLimit, updateRateLimit, updateRateLimitInputSchema } from "@/server/admin/rate-limits";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const notFound = () => errorJson(404, "No such rate limit.", "not_found");

/** PATCH /api/admin/rate-limits/:id {"rpm"?,"tpm"?,"concurrency"?,"fail_mode"?}; null clears a value. */
export const PATCH = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return notFound();
  const body = await readBody(request, updateRateLimitInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await updateRateLimit(db, actor, params.id, body.value));
});

/** DELETE /api/admin/rate-limits/:id */
export const DELETE = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await deleteRateLimit(db, actor, params.id)) : notFound()));
