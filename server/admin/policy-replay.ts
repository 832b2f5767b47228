import { z } from "zod";
import type { Database } from "@/db/client";
import { findPolicySettings, listPolicyModels, listPolicyRuleRows } from "@/db/queries/policies";
import { listFullBodiesSince } from "@/db/queries/request-bodies";
import type { KeyEntry } from "@/server/gateway/config/config-source";
import { compilePolicy } from "@/server/gateway/policy/compile-policy";
import { enforcePolicy, type PolicyRecord } from "@/server/gateway/policy/enforce-policy";
import type { PolicyResidencyEntry, PolicyRuleEntry } from "@/server/gateway/policy/rule-definition";
import { can } from "./permissions";
import { policyTestInputSchema } from "./policy-input";
import { simulatedKey, toModelEntry } from "./policy-simulator";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

/** The most stored requests one replay reads (newest first). */
export const MAX_REPLAY_REQUESTS = 10_000;

export const policyReplayInputSchema = z.object({
  /** Draft rules to replay instead of the saved ones (the simulator's shape). */
  rules: policyTestInputSchema.shape.rules,
  residency: policyTestInputSchema.shape.residency,
  days: z.number().int().min(1).max(90).default(7),
  limit: z.number().int().min(1).max(MAX_REPLAY_REQUESTS).default(MAX_REPLAY_REQUESTS),
  /** Replay dry-run rules as if they were enforced (what a rule in dry-run would do once switched on). Default true. */
  enforce_dry_run: z.boolean().default(true),
});
export type PolicyReplayInput = z.input<typeof policyReplayInputSchema>;

type Outcome = "allowed" | "blocked" | "rerouted" | "redacted" | "failed";

export interface PolicyReplayResult {
  days: number;
  scanned: number;
  /** True when more stored requests fall in the window than were read. */
  truncated: boolean;
  outcomes: Record<Outcome, number>;
  /** How often each rule fired (applied or not), in rule order. */
  rules: { id: string; name: string; action: string; fired: number }[];
  /** Up to 10 request ids per outcome other than allowed, newest first (open them in Requests). */
  samples: Partial<Record<Outcome, string[]>>;
}

/**
 * Replays the saved rules (or drafts) against the requests stored in full (request_bodies) in the last `days`, with
 * the gateway's own enforcePolicy, each as its key and caller region sent it. Nothing is sent or recorded. Bodies
 * were stored after the policy of their time (redactions applied), so a new detector does not see text an older rule
 * masked.
 */
export async function replayPolicy(db: Database, actor: Actor, rawInput: PolicyReplayInput): Promise<ServiceResult<PolicyReplayResult>> {
  if (!can(actor.role, "policies:read")) return failure({ code: "forbidden", message: "Your role cannot replay policies." });
  const input = policyReplayInputSchema.parse(rawInput);
  const [savedRules, settings, modelRows, stored] = await Promise.all([
    listPolicyRuleRows(db, actor.orgId),
    findPolicySettings(db, actor.orgId),
    listPolicyModels(db, actor.orgId),
    listFullBodiesSince(db, actor.orgId, new Date(Date.now() - input.days * 86_400_000), input.limit + 1),
  ]);
  const rules: PolicyRuleEntry[] = (
    input.rules
      ? input.rules.map((rule, index) => ({ id: rule.id ?? `draft-${index + 1}`, orgId: actor.orgId, position: index + 1, name: rule.name, enabled: rule.enabled ?? true, dryRun: rule.dry_run ?? false, action: rule.action, targetModel: rule.target_model ?? null, conditions: rule.conditions ?? {} }))
      : savedRules.map((row) => ({ ...row }))
  ).map((rule) => (input.enforce_dry_run ? { ...rule, dryRun: false } : rule));
  const residency: PolicyResidencyEntry = input.residency
    ? { orgId: actor.orgId, regions: input.residency.regions ?? null, callerRegions: input.residency.caller_regions ?? null }
    : { orgId: actor.orgId, regions: settings?.residencyRegions ?? null, callerRegions: settings?.residencyCallerRegions ?? null };
  const policy = compilePolicy(rules, residency);
  const models = new Map(modelRows.map((row) => [row.name, toModelEntry(actor.orgId, row)]));
  const header = "x-replayed-caller-region";
  const deps = { config: { findPolicy: () => policy, findModel: (_orgId: string, name: string) => models.get(name) }, options: { trustedRegionHeader: header } };

  // Each stored request replays as its key; one whose key is gone, as a caller with no team, role or region.
  const anonymous = (await simulatedKey(db, actor, null))!;
  const keys = new Map<string, KeyEntry>();
  const outcomes: Record<Outcome, number> = { allowed: 0, blocked: 0, rerouted: 0, redacted: 0, failed: 0 };
  const fired = new Map<string, number>();
  const samples: Partial<Record<Outcome, string[]>> = {};
  const rows = stored.slice(0, input.limit);
  for (const row of rows) {
    const keyId = row.keyId ?? "";
    if (!keys.has(keyId)) keys.set(keyId, (row.keyId ? await simulatedKey(db, actor, row.keyId) : undefined) ?? anonymous);
    const key = keys.get(keyId)!;
    const record: PolicyRecord = { key, stream: false };
    enforcePolicy(deps, record, structuredClone(row.body), { header: (name: string) => (name === header ? (row.callerRegion ?? undefined) : undefined) });
    const decision = record.policy ?? { outcome: "allowed" as const, rules: [] };
    const outcome = decision.outcome as Outcome;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    for (const hit of decision.rules) fired.set(hit.id, (fired.get(hit.id) ?? 0) + 1);
    if (outcome !== "allowed") {
      const list = (samples[outcome] ??= []);
      if (list.length < 10) list.push(row.requestId);
    }
  }
  return ok({
    days: input.days,
    scanned: rows.length,
    truncated: stored.length > input.limit,
    outcomes,
    rules: rules.map((rule) => ({ id: rule.id, name: rule.name, action: rule.action, fired: fired.get(rule.id) ?? 0 })),
    samples,
  });
}
