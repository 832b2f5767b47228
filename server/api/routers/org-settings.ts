import { getOrgSettings, orgSettingsInputSchema, updateOrgSettings } from "@/server/admin/org-settings";
import { cacheSettingsInputSchema, getCacheSettings, setCacheSettings } from "@/server/admin/response-cache";
import { authedProcedure, procedureWith, router, unwrap } from "../trpc";

export const orgSettingsRouter = router({
  /** The org's name and report time zone (every member: the console shows dates in it). */
  get: authedProcedure.query(async ({ ctx }) => unwrap(await getOrgSettings(ctx.db, ctx.actor))),
  update: procedureWith("org-settings:write")
    .input(orgSettingsInputSchema)
    .mutation(async ({ ctx, input }) => unwrap(await updateOrgSettings(ctx.db, ctx.actor, input))),
  /** The org's response cache default (README "Response cache"). */
  cache: procedureWith("overview:read").query(async ({ ctx }) => unwrap(await getCacheSettings(ctx.db, ctx.actor))),
  setCache: procedureWith("org-settings:write")
    .input(cacheSettingsInputSchema)
    .mutation(async ({ ctx, input }) => unwrap(await setCacheSettings(ctx.db, ctx.actor, input))),
});
