import { z } from "zod";
import { closePeriod, listPeriodsFor, monthSchema, reopenPeriod } from "@/server/admin/period-close";
import { procedureWith, router, unwrap } from "../trpc";

const month = z.object({ month: monthSchema });

export const periodsRouter = router({
  list: procedureWith("reports:read").query(async ({ ctx }) => unwrap(await listPeriodsFor(ctx.db, ctx.actor))),
  close: procedureWith("periods:close")
    .input(month)
    .mutation(async ({ ctx, input }) => unwrap(await closePeriod(ctx.db, ctx.actor, input.month))),
  reopen: procedureWith("periods:reopen")
    .input(month)
    .mutation(async ({ ctx, input }) => unwrap(await reopenPeriod(ctx.db, ctx.actor, input.month))),
});
