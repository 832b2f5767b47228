import { reorderPolicyRules } from "@/server/admin/policies";
import { reorderPoliciesInputSchema } from "@/server/admin/policy-input";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST /api/admin/policies/reorder {"ids": [every rule id, in the new order]} → the rules in order. */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, reorderPoliciesInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await reorderPolicyRules(db, actor, body.value.ids));
});
