import type { PolicyDecisionValue, PolicyRuleHitValue } from "@/db/schema/policy-decision";
import type { ModelEntry } from "../config/config-source";
import type { CompiledPolicy, CompiledRule, PolicySubject } from "./compile-policy";
import { isRegionInAny } from "./rule-definition";

/** What evaluating a policy decided for one request (pure: nothing is applied here). */
export interface PolicyEvaluation {
  decision: PolicyDecisionValue;
  /** The request is refused: a block rule fired, residency refused the model, or a block/redact rule failed to evaluate. */
  refusal?: { ruleId: string; message: string; code: "policy_violation" | "policy_evaluation_failed" };
  /** The model name the request goes to instead. */
  rerouteTo?: string;
  /** Enforced redact rules that fired, in order: their matches are masked. */
  redactRules: CompiledRule[];
}

export interface PolicyInput {
  subject: PolicySubject;
  /** The prompt's text, read on first need (joined strings of the body). */
  promptText: () => string;
  /** The model the org serves under a name (for a reroute's residency check). */
  findModel: (name: string) => ModelEntry | undefined;
}

/**
 * One pass over the org's enabled rules in position order (README "Policies and data residency"):
 * - a rule fires when every condition group holds; a dry-run rule is recorded and never applied;
 * - the first enforced **block** that fires ends the evaluation and refuses the request;
 * - the first enforced **reroute** that fires sets the target model (later reroutes are recorded, not applied);
 * - every enforced **redact** that fires masks its own matches; **log** only records;
 * - a rule that fails to evaluate refuses the request when it is an enforced block or redact rule (fail-closed),
 *   and is recorded with its error otherwise;
 * - then org residency checks the final target model.
 */
export function evaluatePolicy(policy: CompiledPolicy, input: PolicyInput): PolicyEvaluation {
  const hits: PolicyRuleHitValue[] = [];
  const redactRules: CompiledRule[] = [];
  const matchCache = new Map<string, boolean>();
  let rerouteTo: string | undefined;
  const decide = (outcome: PolicyDecisionValue["outcome"], extra: Partial<PolicyEvaluation> = {}): PolicyEvaluation => ({
    decision: { outcome, rules: hits, ...(rerouteTo ? { reroutedTo: rerouteTo } : {}) },
    rerouteTo,
    redactRules,
    ...extra,
  });

  for (const rule of policy.rules) {
    const isEnforced = !rule.dryRun;
    let detectors: string[];
    try {
      if (rule.brokenReason) throw new Error(rule.brokenReason);
      if (!rule.isSubjectMatch(input.subject)) continue;
      detectors = firedMatchers(rule, input.promptText, matchCache);
      if (rule.matchers.length > 0 && detectors.length === 0) continue;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const failsClosed = isEnforced && (rule.action === "block" || rule.action === "redact");
      hits.push({ id: rule.id, name: rule.name, action: rule.action, dryRun: rule.dryRun, applied: failsClosed, detectors: [], error: "evaluation_failed" });
      if (failsClosed) {
        const message = `Policy rule "${rule.name}" (${rule.id}) could not be evaluated, so the request was refused (block and redact rules fail closed): ${reason}`;
        return decide("failed", { refusal: { ruleId: rule.id, message, code: "policy_evaluation_failed" } });
      }
      continue;
    }
    const applied = isEnforced && (rule.action !== "reroute" || rerouteTo === undefined);
    hits.push({ id: rule.id, name: rule.name, action: rule.action, dryRun: rule.dryRun, applied, detectors });
    if (!applied) continue;
    if (rule.action === "block") {
      const message = `Request blocked by policy rule "${rule.name}" (${rule.id})${detectors.length ? `: ${detectors.join(", ")} detected` : ""}.`;
      return decide("blocked", { refusal: { ruleId: rule.id, message, code: "policy_violation" } });
    }
    if (rule.action === "reroute" && rule.targetModel) rerouteTo = rule.targetModel;
    if (rule.action === "redact") redactRules.push(rule);
  }

  const residencyRefusal = checkResidency(policy, input, rerouteTo);
  if (residencyRefusal) {
    const blocked = decide("blocked", { refusal: residencyRefusal.refusal });
    return { ...blocked, decision: { ...blocked.decision, residency: residencyRefusal.residency } };
  }
  return decide(rerouteTo ? "rerouted" : redactRules.length > 0 ? "redacted" : "allowed");
}

/** Names of the rule's matchers that hit the prompt (each matcher runs at most once per request). */
function firedMatchers(rule: CompiledRule, promptText: () => string, cache: Map<string, boolean>): string[] {
  const fired: string[] = [];
  for (const matcher of rule.matchers) {
    const cacheKey = matcher.name.startsWith("pattern:") || matcher.name === "keyword" ? `${rule.id}:${matcher.name}` : matcher.name;
    let hit = cache.get(cacheKey);
    if (hit === undefined) {
      hit = matcher.test(promptText());
      cache.set(cacheKey, hit);
    }
    if (hit) fired.push(matcher.name);
  }
  return fired;
}

/** Org residency: the caller (all, or those in the listed regions) may reach only models labelled with an allowed region. */
function checkResidency(policy: CompiledPolicy, input: PolicyInput, rerouteTo: string | undefined): { refusal: NonNullable<PolicyEvaluation["refusal"]>; residency: NonNullable<PolicyDecisionValue["residency"]> } | undefined {
  const residency = policy.residency;
  if (!residency || !isResidencyFor(policy, input.subject.callerRegion)) return undefined;
  const model = rerouteTo ? input.findModel(rerouteTo) : input.subject.model;
  if (!model || isRegionInAny(model.region, residency.regions)) return undefined;
  const message = `Request blocked by the organization's data residency: the model \`${model.name}\` is ${model.region ? `in ${model.region}` : "not labelled with a region"}, outside ${residency.regions.join(", ")}.`;
  return {
    refusal: { ruleId: "residency", message, code: "policy_violation" },
    residency: { allowedRegions: residency.regions, modelRegion: model.region },
  };
}

/** Whether org residency restricts this caller. */
export function isResidencyFor(policy: CompiledPolicy, callerRegion: string | null): boolean {
  const residency = policy.residency;
  if (!residency) return false;
  return residency.callerRegions === null || isRegionInAny(callerRegion, residency.callerRegions);
}
