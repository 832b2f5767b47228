import { createPolicyRule, listPolicies } from "@/server/admin/policies";
import { policyRuleInputSchema } from "@/server/admin/policy-input";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/policies — the org's rules in evaluation order, and its residency (owner, admin, finance, viewer). */
export const GET = adminRoute(async ({ db, actor }) => resultJson(await listPolicies(db, actor)));

/** POST /api/admin/policies {"name","action","conditions"?,"target_model"?,"dry_run"?,"enabled"?,"position"?} → 201 the rule. */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, policyRuleInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await createPolicyRule(db, actor, body.value), 201);
});
