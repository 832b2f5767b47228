import { z } from "zod";
import { createModel, createModelInputSchema, listModelCatalog, updateModel, updateModelInputSchema } from "@/server/admin/models";
import { procedureWith, router, unwrap } from "../trpc";

export const modelsRouter = router({
  list: procedureWith("models:read").query(async ({ ctx }) => unwrap(await listModelCatalog(ctx.db, ctx.actor))),
  create: procedureWith("models:write").input(createModelInputSchema).mutation(async ({ ctx, input }) => unwrap(await createModel(ctx.db, ctx.actor, input))),
  /** Any field needs models:write; a price-only patch needs prices:write (checked per field in updateModel). */
  update: procedureWith("models:write", "prices:write")
    .input(z.object({ id: z.uuid(), patch: updateModelInputSchema }))
    .mutation(async ({ ctx, input }) => unwrap(await updateModel(ctx.db, ctx.actor, input.id, input.patch))),
});
