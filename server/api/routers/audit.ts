import { z } from "zod";
import { auditCursorSchema, auditFiltersSchema, listAuditFor } from "@/server/admin/audit";
import { procedureWith, router, unwrap } from "../trpc";

export const auditRouter = router({
  /** The audit log, newest first, keyset-paginated (owner, admin, finance). */
  list: procedureWith("audit:read")
    .input(auditFiltersSchema.extend({ cursor: auditCursorSchema.nullish(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(async ({ ctx, input }) => {
      const { cursor, limit, ...filters } = input;
      return unwrap(await listAuditFor(ctx.db, ctx.actor, filters, { cursor: cursor ?? undefined, limit }));
    }),
});
