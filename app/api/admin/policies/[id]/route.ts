import { deletePolicyRule, updatePolicyRule } from "@/server/admin/policies";
import { policyRulePatchSchema } from "@/server/admin/policy-input";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const notFound = () => errorJson(404, "No such policy rule.", "not_found");

/** PATCH /api/admin/policies/:id — any rule field; the rule is checked as a whole again. */
export const PATCH = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return notFound();
  const body = await readBody(request, policyRulePatchSchema);
  if (!body.ok) return body.response;
  return resultJson(await updatePolicyRule(db, actor, params.id, body.value));
});

/** DELETE /api/admin/policies/:id */
export const DELETE = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await deletePolicyRule(db, actor, params.id)) : notFound()));
