import { discountInputSchema, listDiscountsFor, setDiscount } from "@/server/admin/org-prices";
import { adminRoute, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** GET /api/admin/discounts — the discount in force per provider, and every discount row. */
export const GET = adminRoute(async ({ db, actor }) => resultJson(await listDiscountsFor(db, actor)));

/** POST /api/admin/discounts {provider, percent, effective_from?} — a new effective-dated discount (0 ends one). */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, discountInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await setDiscount(db, actor, body.value), 201);
});
