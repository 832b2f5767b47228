import { z } from "zod";
import { reconciliationFor, recordInvoice, recordInvoiceInputSchema } from "@/server/admin/invoices";
import { monthSchema } from "@/server/admin/period-close";
import { procedureWith, router, unwrap } from "../trpc";

export const invoicesRouter = router({
  reconciliation: procedureWith("reports:read")
    .input(z.object({ month: monthSchema }))
    .query(async ({ ctx, input }) => unwrap(await reconciliationFor(ctx.db, ctx.actor, input.month))),
  record: procedureWith("periods:close")
    .input(recordInvoiceInputSchema)
    .mutation(async ({ ctx, input }) => unwrap(await recordInvoice(ctx.db, ctx.actor, input))),
});
