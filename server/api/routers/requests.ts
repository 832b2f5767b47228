import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { findRequest, listRequests } from "@/db/queries/usage-ledger";
import { procedureWith, router } from "../trpc";

export const requestFiltersSchema = z.object({
  keyId: z.uuid().optional(),
  model: z.string().max(200).optional(),
  status: z.enum(["success", "error", "aborted"]).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
});

export const requestsRouter = router({
  /** The ledger, newest first, keyset-paginated. */
  list: procedureWith("requests:read")
    .input(requestFiltersSchema.extend({ cursor: z.object({ startedAt: z.date(), id: z.string() }).nullish(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(async ({ ctx, input }) => {
      const { cursor, limit, ...filters } = input;
      return listRequests(ctx.db, { orgId: ctx.actor.orgId, ...filters }, { cursor: cursor ?? undefined, limit });
    }),
  get: procedureWith("requests:read")
    .input(z.object({ id: z.string().min(1).max(100) }))
    .query(async ({ ctx, input }) => {
      const row = await findRequest(ctx.db, ctx.actor.orgId, input.id);
      if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such request." });
      return row;
    }),
});
