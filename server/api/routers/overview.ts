import { z } from "zod";
import { overviewSeries, overviewTotals } from "@/db/queries/usage-ledger";
import { procedureWith, router } from "../trpc";

const ranges = {
  "1h": { ms: 60 * 60 * 1000, bucket: "minute" },
  "24h": { ms: 24 * 60 * 60 * 1000, bucket: "hour" },
  "7d": { ms: 7 * 24 * 60 * 60 * 1000, bucket: "hour" },
  "30d": { ms: 30 * 24 * 60 * 60 * 1000, bucket: "day" },
} as const;

export const overviewRouter = router({
  /** Totals and a time series from the usage ledger. Costs are exact decimal strings. */
  get: procedureWith("overview:read")
    .input(z.object({ range: z.enum(["1h", "24h", "7d", "30d"]).default("24h") }))
    .query(async ({ ctx, input }) => {
      const range = ranges[input.range];
      const to = new Date();
      const from = new Date(to.getTime() - range.ms);
      const [totals, series] = await Promise.all([
        overviewTotals(ctx.db, ctx.actor.orgId, { from, to }),
        overviewSeries(ctx.db, ctx.actor.orgId, { from, to, bucket: range.bucket }),
      ]);
      return { range: input.range, bucket: range.bucket, from, to, totals, series };
    }),
});
