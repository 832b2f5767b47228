import { z } from "zod";
import { reconciliationFor, recordInvoice, recordInvoiceInputSchema } from "@/server/admin/invoices";
import { adminRoute, errorJson, readBody, resultJson } from "@/server/admin/rest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const querySchema = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM") });

/** GET /api/admin/invoices?month=YYYY-MM — per provider: the gateway's cost, the invoice, the variance (owner, admin, finance). */
export const GET = adminRoute(async ({ request, db, actor }) => {
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return errorJson(400, `Invalid value for 'month': ${parsed.error.issues[0].message}`, "invalid_value", "month");
  return resultJson(await reconciliationFor(db, actor, parsed.data.month));
});

/** POST /api/admin/invoices {month, provider, total_usd, invoice_number?} — enters (or replaces) a provider's invoice total for a month. */
export const POST = adminRoute(async ({ request, db, actor }) => {
  const body = await readBody(request, recordInvoiceInputSchema);
  if (!body.ok) return body.response;
  return resultJson(await recordInvoice(db, actor, body.value), 201);
});
