import { deleteBudget, getBudget, updateBudget, updateBudgetInputSchema } from "@/server/admin/budgets";
import { adminRoute, errorJson, isUuid, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const notFound = () => errorJson(404, "No such budget.", "not_found");

/** GET /api/admin/budgets/:id — the budget, its period's totals and the alerts that fired. */
export const GET = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await getBudget(db, actor, params.id)) : notFound()));

/** PATCH /api/admin/budgets/:id {"limit_usd"?,"alert_thresholds"?,"webhook_url"?} */
export const PATCH = adminRoute(async ({ request, db, actor, params }) => {
  if (!isUuid(params.id)) return notFound();
  const body = await readBody(request, updateBudgetInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await updateBudget(db, actor, params.id, body.value));
});

/** DELETE /api/admin/budgets/:id */
export const DELETE = adminRoute(async ({ db, actor, params }) => (isUuid(params.id) ? resultJson(await deleteBudget(db, actor, params.id)) : notFound()));
