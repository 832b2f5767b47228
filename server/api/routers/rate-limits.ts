import { z } from "zod";
import {
  deleteRateLimit,
  getLimiterStatus,
  listRateLimits,
  rateLimitFilterSchema,
  setRateLimit,
  setRateLimitInputSchema,
  updateRateLimit,
  updateRateLimitInputSchema,
} from "@/server/admin/rate-limits";
import { procedureWith, router, unwrap } from "../trpc";

const limitId = z.object({ id: z.uuid() });

export const rateLimitsRouter = router({
  list: procedureWith("rate-limits:read")
    .input(rateLimitFilterSchema.optional())
    .query(async ({ ctx, input }) => unwrap(await listRateLimits(ctx.db, ctx.actor, input ?? {}))),
  /** Which limiter the running gateways use, and the several-replicas-without-Redis warning. */
  limiterStatus: procedureWith("rate-limits:read").query(async ({ ctx }) => unwrap(await getLimiterStatus(ctx.db, ctx.actor))),
  set: procedureWith("rate-limits:write").input(setRateLimitInputSchema).mutation(async ({ ctx, input }) => unwrap(await setRateLimit(ctx.db, ctx.actor, input))),
  update: procedureWith("rate-limits:write")
    .input(limitId.extend({ patch: updateRateLimitInputSchema }))
    .mutation(async ({ ctx, input }) => unwrap(await updateRateLimit(ctx.db, ctx.actor, input.id, input.patch))),
  delete: procedureWith("rate-limits:write").input(limitId).mutation(async ({ ctx, input }) => unwrap(await deleteRateLimit(ctx.db, ctx.actor, input.id))),
});
