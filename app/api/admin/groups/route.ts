import { createGroup, createGroupInputSchema, listGroups } from "@/server/admin/groups";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/groups — every model group of the org with its current definition. */
export const GET = adminRoute(async ({ db, actor }) => resultJson(await listGroups(db, actor)));

/** POST /api/admin/groups {"name","strategy"?,"deployments":[{"id","model","weight"?,"priority"?,"overrides"?,"supports"?,"max_in_flight"?}],"fallbacks"?,"retry"?,"fallback_on"?,"circuit"?} → 201, version 1. */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, createGroupInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await createGroup(db, actor, body.value), 201);
});
