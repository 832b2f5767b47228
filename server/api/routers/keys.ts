import { z } from "zod";
import { createKeyInputSchema, createVirtualKey, getKeyDetail, listVirtualKeys, revokeVirtualKey } from "@/server/admin/keys";
import { procedureWith, router, unwrap } from "../trpc";

export const keysRouter = router({
  list: procedureWith("keys:read").query(async ({ ctx }) => unwrap(await listVirtualKeys(ctx.db, ctx.actor))),
  /** One key and its last 30 days' spend (a developer: their own keys only). */
  get: procedureWith("keys:read").input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => unwrap(await getKeyDetail(ctx.db, ctx.actor, input.id))),
  /** Returns the key once; it is never retrievable again. */
  create: procedureWith("keys:write-own").input(createKeyInputSchema).mutation(async ({ ctx, input }) => unwrap(await createVirtualKey(ctx.db, ctx.actor, input))),
  revoke: procedureWith("keys:write-own").input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => unwrap(await revokeVirtualKey(ctx.db, ctx.actor, input.id))),
});
