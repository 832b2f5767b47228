import { z } from "zod";
import { costDriftFor, costImportOverview, driftSettingsInputSchema, importNowInputSchema, importProviderCostsNow, setCostDriftSettings, setCostSourceInputSchema, setProviderCostSource } from "@/server/admin/cost-imports";
import { monthSchema } from "@/server/admin/period-close";
import { procedureWith, router, unwrap } from "../trpc";

export const costImportsRouter = router({
  overview: procedureWith("reports:read").query(async ({ ctx }) => unwrap(await costImportOverview(ctx.db, ctx.actor))),
  drift: procedureWith("reports:read")
    .input(z.object({ month: monthSchema }))
    .query(async ({ ctx, input }) => unwrap(await costDriftFor(ctx.db, ctx.actor, input.month))),
  setSource: procedureWith("periods:close")
    .input(setCostSourceInputSchema)
    .mutation(async ({ ctx, input }) => unwrap(await setProviderCostSource(ctx.db, ctx.actor, input))),
  setSettings: procedureWith("periods:close")
    .input(driftSettingsInputSchema)
    .mutation(async ({ ctx, input }) => unwrap(await setCostDriftSettings(ctx.db, ctx.actor, input))),
  importNow: procedureWith("periods:close")
    .input(importNowInputSchema)
    .mutation(async ({ ctx, input }) => unwrap(await importProviderCostsNow(ctx.db, ctx.actor, input.provider))),
});
