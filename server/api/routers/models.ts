import { z } from "zod";
import { createModel, createModelInputSchema, listModelCatalog, updateModel, updateModelInputSchema } from "@/server/admin/models";
import { discountInputSchema, listDiscountsFor, listOrgPricesFor, orgPriceInputSchema, setDiscount, setOrgPrice } from "@/server/admin/org-prices";
import { procedureWith, router, unwrap } from "../trpc";

export const modelsRouter = router({
  list: procedureWith("models:read").query(async ({ ctx }) => unwrap(await listModelCatalog(ctx.db, ctx.actor))),
  create: procedureWith("models:write").input(createModelInputSchema).mutation(async ({ ctx, input }) => unwrap(await createModel(ctx.db, ctx.actor, input))),
  /** Any field needs models:write; a price-only patch needs prices:write (checked per field in updateModel). */
  update: procedureWith("models:write", "prices:write")
    .input(z.object({ id: z.uuid(), patch: updateModelInputSchema }))
    .mutation(async ({ ctx, input }) => unwrap(await updateModel(ctx.db, ctx.actor, input.id, input.patch))),
  /** The org's own price for a model (effective-dated) and the provider discounts: finance, owners and admins edit. */
  orgPrices: procedureWith("models:read")
    .input(z.object({ id: z.uuid() }))
    .query(async ({ ctx, input }) => unwrap(await listOrgPricesFor(ctx.db, ctx.actor, input.id))),
  setOrgPrice: procedureWith("prices:write")
    .input(z.object({ id: z.uuid(), price: orgPriceInputSchema }))
    .mutation(async ({ ctx, input }) => unwrap(await setOrgPrice(ctx.db, ctx.actor, input.id, input.price))),
  discounts: procedureWith("models:read").query(async ({ ctx }) => unwrap(await listDiscountsFor(ctx.db, ctx.actor))),
  setDiscount: procedureWith("prices:write")
    .input(discountInputSchema)
    .mutation(async ({ ctx, input }) => unwrap(await setDiscount(ctx.db, ctx.actor, input))),
});
