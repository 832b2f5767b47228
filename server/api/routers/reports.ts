import { reportQuerySchema, usageReportFor } from "@/server/admin/reports";
import { procedureWith, router, unwrap } from "../trpc";

export const reportsRouter = router({
  /** A period's usage grouped one way, with its totals (owner, admin, finance). */
  usage: procedureWith("reports:read")
    .input(reportQuerySchema)
    .query(async ({ ctx, input }) => unwrap(await usageReportFor(ctx.db, ctx.actor, input))),
});
