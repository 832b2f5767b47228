import { z } from "zod";
import { createAdminToken, createAdminTokenInputSchema, listAdminTokensFor, revokeAdminToken } from "@/server/admin/admin-tokens";
import { procedureWith, router, unwrap } from "../trpc";

export const adminTokensRouter = router({
  list: procedureWith("admin-tokens:write").query(async ({ ctx }) => unwrap(await listAdminTokensFor(ctx.db, ctx.actor))),
  /** Returns the token once. Its role defaults to, and never exceeds, the creator's. */
  create: procedureWith("admin-tokens:write").input(createAdminTokenInputSchema).mutation(async ({ ctx, input }) => unwrap(await createAdminToken(ctx.db, ctx.actor, input))),
  revoke: procedureWith("admin-tokens:write").input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => unwrap(await revokeAdminToken(ctx.db, ctx.actor, input.id))),
});
