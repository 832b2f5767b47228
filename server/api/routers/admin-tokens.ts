import { z } from "zod";
import { createAdminToken, listAdminTokensFor, revokeAdminToken } from "@/server/admin/admin-tokens";
import { procedureWith, router, unwrap } from "../trpc";

export const adminTokensRouter = router({
  list: procedureWith("admin-tokens:write").query(async ({ ctx }) => unwrap(await listAdminTokensFor(ctx.db, ctx.actor))),
  /** Returns the token once. */
  create: procedureWith("admin-tokens:write")
    .input(z.object({ name: z.string().trim().min(1).max(100) }))
    .mutation(async ({ ctx, input }) => unwrap(await createAdminToken(ctx.db, ctx.actor, input.name))),
  revoke: procedureWith("admin-tokens:write").input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => unwrap(await revokeAdminToken(ctx.db, ctx.actor, input.id))),
});
