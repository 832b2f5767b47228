import { setPolicyResidency } from "@/server/admin/policies";
import { policyResidencyInputSchema } from "@/server/admin/policy-input";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** PUT /api/admin/policies/residency {"regions": ["eu"] | null, "caller_regions"?: [..] | null} */
export const PUT = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, policyResidencyInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await setPolicyResidency(db, actor, body.value));
});
