import { z } from "zod";
import { createBudget, createBudgetInputSchema, deleteBudget, getBudget, listBudgets, recentBudgetAlerts, updateBudget, updateBudgetInputSchema } from "@/server/admin/budgets";
import { procedureWith, router, unwrap } from "../trpc";

const budgetId = z.object({ id: z.uuid() });

export const budgetsRouter = router({
  list: procedureWith("budgets:read")
    .input(z.object({ scope: z.enum(["org", "key", "team", "user", "model"]).optional(), scope_id: z.string().max(256).optional() }).optional())
    .query(async ({ ctx, input }) => unwrap(await listBudgets(ctx.db, ctx.actor, input ?? {}))),
  /** Alerts fired in the last 7 days: the console's notifications. */
  recentAlerts: procedureWith("budgets:read").query(async ({ ctx }) => unwrap(await recentBudgetAlerts(ctx.db, ctx.actor))),
  get: procedureWith("budgets:read").input(budgetId).query(async ({ ctx, input }) => unwrap(await getBudget(ctx.db, ctx.actor, input.id))),
  create: procedureWith("budgets:write").input(createBudgetInputSchema).mutation(async ({ ctx, input }) => unwrap(await createBudget(ctx.db, ctx.actor, input))),
  update: procedureWith("budgets:write")
    .input(budgetId.extend({ patch: updateBudgetInputSchema }))
    .mutation(async ({ ctx, input }) => unwrap(await updateBudget(ctx.db, ctx.actor, input.id, input.patch))),
  delete: procedureWith("budgets:write").input(budgetId).mutation(async ({ ctx, input }) => unwrap(await deleteBudget(ctx.db, ctx.actor, input.id))),
});
