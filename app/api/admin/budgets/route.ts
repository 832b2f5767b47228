import { z } from "zod";
import { createBudget, createBudgetInputSchema, listBudgets } from "@/server/admin/budgets";
import { adminRoute, errorJson, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const filterSchema = z.object({ scope: z.enum(["org", "key", "team", "user", "model"]).optional(), scope_id: z.string().max(256).optional() });

/** GET /api/admin/budgets?scope=&scope_id= — every budget with its period's limit, spent, reserved and remaining. */
export const GET = adminRoute(async ({ request, db, actor }) => {
  const filter = filterSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!filter.success) return errorJson(400, "scope must be one of org, key, team, user, model.", "invalid_value", "scope");
  return resultJson(await listBudgets(db, actor, filter.data));
});

/** POST /api/admin/budgets {"scope","scope_id"?,"model"?,"period","limit_usd","alert_thresholds"?,"webhook_url"?} → 201. */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, createBudgetInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await createBudget(db, actor, body.value), 201);
});
