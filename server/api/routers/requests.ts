import { z } from "zod";
import { findRequestFor, listRequestsFor, requestFiltersSchema } from "@/server/admin/usage";
import { procedureWith, router, unwrap } from "../trpc";

export const requestsRouter = router({
  /** The ledger, newest first, keyset-paginated; a developer sees only their own keys' rows. */
  list: procedureWith("requests:read")
    .input(requestFiltersSchema.extend({ cursor: z.object({ startedAt: z.date(), id: z.string() }).nullish(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(async ({ ctx, input }) => {
      const { cursor, limit, ...filters } = input;
      return unwrap(await listRequestsFor(ctx.db, ctx.actor, filters, { cursor: cursor ?? undefined, limit }));
    }),
  get: procedureWith("requests:read")
    .input(z.object({ id: z.string().min(1).max(100) }))
    .query(async ({ ctx, input }) => unwrap(await findRequestFor(ctx.db, ctx.actor, input.id))),
});
