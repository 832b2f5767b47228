import { policyReplayInputSchema, replayPolicy } from "@/server/admin/policy-replay";
import { z } from "zod";
import { createPolicyRule, deletePolicyRule, listPolicies, reorderPolicyRules, setPolicyResidency, updatePolicyRule } from "@/server/admin/policies";
import { policyResidencyInputSchema, policyRuleInputSchema, policyRulePatchSchema, policyTestInputSchema, reorderPoliciesInputSchema } from "@/server/admin/policy-input";
import { testPolicy } from "@/server/admin/policy-simulator";
import { procedureWith, router, unwrap } from "../trpc";

const ruleId = z.object({ id: z.uuid() });

export const policiesRouter = router({
  list: procedureWith("policies:read").query(async ({ ctx }) => unwrap(await listPolicies(ctx.db, ctx.actor))),
  create: procedureWith("policies:write").input(policyRuleInputSchema).mutation(async ({ ctx, input }) => unwrap(await createPolicyRule(ctx.db, ctx.actor, input))),
  update: procedureWith("policies:write")
    .input(ruleId.extend({ patch: policyRulePatchSchema }))
    .mutation(async ({ ctx, input }) => unwrap(await updatePolicyRule(ctx.db, ctx.actor, input.id, input.patch))),
  delete: procedureWith("policies:write").input(ruleId).mutation(async ({ ctx, input }) => unwrap(await deletePolicyRule(ctx.db, ctx.actor, input.id))),
  reorder: procedureWith("policies:write").input(reorderPoliciesInputSchema).mutation(async ({ ctx, input }) => unwrap(await reorderPolicyRules(ctx.db, ctx.actor, input.ids))),
  setResidency: procedureWith("policies:write").input(policyResidencyInputSchema).mutation(async ({ ctx, input }) => unwrap(await setPolicyResidency(ctx.db, ctx.actor, input))),
  /** "Test a prompt": a mutation only so that the body travels as JSON in a POST; it writes nothing. */
  /** The rules replayed against stored traffic (request bodies kept in full). */
  replay: procedureWith("policies:read").input(policyReplayInputSchema).mutation(async ({ ctx, input }) => unwrap(await replayPolicy(ctx.db, ctx.actor, input))),
  test: procedureWith("policies:read").input(policyTestInputSchema).mutation(async ({ ctx, input }) => unwrap(await testPolicy(ctx.db, ctx.actor, input))),
});
