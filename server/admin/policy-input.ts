import { z } from "zod";
import { compileRe2 } from "@/server/gateway/policy/compile-policy";
import { policyActions, policyConditionsSchema, type PolicyConditions } from "@/server/gateway/policy/rule-definition";

const region = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, "a region is letters, digits, '-', '_' and '.'");

const ruleFields = {
  name: z.string().trim().min(1, "name is required").max(100),
  action: z.enum(policyActions),
  /** The model a reroute rule sends the request to (its public name). */
  target_model: z.string().trim().min(1).max(200).nullish(),
  dry_run: z.boolean().optional(),
  enabled: z.boolean().optional(),
  conditions: policyConditionsSchema.optional(),
};

const hasContent = (conditions: PolicyConditions | undefined) => Boolean(conditions?.keywords?.length || conditions?.patterns?.length || conditions?.detectors?.length);

/** The rule as a whole: a reroute names its model, a redact rule says what to mask, and every pattern compiles on RE2. */
function checkRule(rule: { action: string; target_model?: string | null; conditions?: PolicyConditions }, context: z.RefinementCtx): void {
  if (rule.action === "reroute" && !rule.target_model) context.addIssue({ code: "custom", path: ["target_model"], message: "a reroute rule names its target_model" });
  if (rule.action !== "reroute" && rule.target_model) context.addIssue({ code: "custom", path: ["target_model"], message: "only a reroute rule has a target_model" });
  if (rule.action === "redact" && !hasContent(rule.conditions)) context.addIssue({ code: "custom", path: ["conditions"], message: "a redact rule needs keywords, patterns or detectors to mask" });
  rule.conditions?.patterns?.forEach((pattern, index) => {
    const compiled = compileRe2(pattern.regex);
    if (!compiled.ok) context.addIssue({ code: "custom", path: ["conditions", "patterns", index, "regex"], message: compiled.reason });
  });
}

/** POST /api/admin/policies and the console form; `position` inserts before the rule now at that place (1 = first; default last). */
export const policyRuleInputSchema = z.object({ ...ruleFields, position: z.number().int().min(1).max(10_000).optional() }).superRefine(checkRule);
export type PolicyRuleInput = z.infer<typeof policyRuleInputSchema>;

/** PATCH: any field; the merged rule is checked as a whole again. */
export const policyRulePatchSchema = z.object({ ...ruleFields, name: ruleFields.name.optional(), action: ruleFields.action.optional() });
export type PolicyRulePatch = z.infer<typeof policyRulePatchSchema>;
export const fullRuleSchema = z.object(ruleFields).superRefine(checkRule);

/** POST /api/admin/policies/reorder: every rule id of the org, once, in the new order. */
export const reorderPoliciesInputSchema = z.object({ ids: z.array(z.uuid()).max(1000) });

/** PUT /api/admin/policies/residency: null or [] turns residency off. */
export const policyResidencyInputSchema = z.object({ regions: z.array(region).max(50).nullish(), caller_regions: z.array(region).max(50).nullish() });
export type PolicyResidencyInput = z.infer<typeof policyResidencyInputSchema>;

/** Draft rules for the simulator: a rule without an id. */
export const draftRuleSchema = z.object({ ...ruleFields, id: z.string().max(64).optional() }).superRefine(checkRule);

/** POST /api/admin/policies/test: a request body as a client would send it, and who sends it. */
export const policyTestInputSchema = z.object({
  /** Any endpoint's body (chat completions, messages, responses, embeddings, count_tokens): policy reads them all alike. */
  body: z.record(z.string(), z.unknown()),
  /** The caller: this key's team, member role, metadata and region (default: a key with none of them). */
  key_id: z.uuid().nullish(),
  /** The caller's region as a trusted proxy would send it (overrides the key's). */
  caller_region: region.nullish(),
  /** Evaluate these rules instead of the saved ones (try a rule before saving it). */
  rules: z.array(draftRuleSchema).max(200).optional(),
  /** Residency to try instead of the saved one. */
  residency: policyResidencyInputSchema.optional(),
});
export type PolicyTestInput = z.input<typeof policyTestInputSchema>;
