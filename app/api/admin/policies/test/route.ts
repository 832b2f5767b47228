import { policyTestInputSchema } from "@/server/admin/policy-input";
import { testPolicy } from "@/server/admin/policy-simulator";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/policies/test {"body", "key_id"?, "caller_region"?, "rules"?, "residency"?} — which rules fire, and the resulting request. */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, policyTestInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await testPolicy(db, actor, body.value));
});
