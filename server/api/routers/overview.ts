import { z } from "zod";
import { breakdownGroupings, overviewBreakdownFor, overviewCostSeriesFor, overviewFor } from "@/server/admin/usage";
import { procedureWith, router, unwrap } from "../trpc";

export const overviewRouter = router({
  /** Totals and a time series from the usage ledger (a developer's own keys only). Costs are exact decimal strings. */
  get: procedureWith("overview:read")
    .input(z.object({ range: z.enum(["1h", "24h", "7d", "30d"]).default("24h") }))
    .query(async ({ ctx, input }) => unwrap(await overviewFor(ctx.db, ctx.actor, input.range))),
  /** The largest teams, keys, models and providers by cost over the range, with requests and errors (a developer's own keys). */
  breakdown: procedureWith("overview:read")
    .input(z.object({ range: z.enum(["1h", "24h", "7d", "30d"]).default("24h") }))
    .query(async ({ ctx, input }) => unwrap(await overviewBreakdownFor(ctx.db, ctx.actor, input.range))),
  /** Cost per hour (per day over 30 days) of the five largest teams, keys, models or providers, and the rest. */
  costSeries: procedureWith("overview:read")
    .input(z.object({ range: z.enum(["1h", "24h", "7d", "30d"]).default("24h"), group_by: z.enum(breakdownGroupings).default("model") }))
    .query(async ({ ctx, input }) => unwrap(await overviewCostSeriesFor(ctx.db, ctx.actor, input.range, input.group_by))),
});
