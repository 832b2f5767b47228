import { z } from "zod";
import { createKeyInputSchema, createVirtualKey, listVirtualKeys, revokeVirtualKey } from "@/server/admin/keys";
import { procedureWith, router, unwrap } from "../trpc";

export const keysRouter = router({
  list: procedureWith("keys:read").query(async ({ ctx }) => unwrap(await listVirtualKeys(ctx.db, ctx.actor))),
  /** Returns the key once; it is never retrievable again. */
  create: procedureWith("keys:write-own").input(createKeyInputSchema).mutation(async ({ ctx, input }) => unwrap(await createVirtualKey(ctx.db, ctx.actor, input))),
  revoke: procedureWith("keys:write-own").input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => unwrap(await revokeVirtualKey(ctx.db, ctx.actor, input.id))),
});
