import type { Database } from "@/db/client";
import { findPolicyKey, findPolicySettings, listPolicyModels, listPolicyRuleRows } from "@/db/queries/policies";
import type { PolicyDecisionValue } from "@/db/schema/policy-decision";
import type { KeyEntry, ModelEntry } from "@/server/gateway/config/config-source";
import { compilePolicy } from "@/server/gateway/policy/compile-policy";
import { enforcePolicy, type PolicyRecord } from "@/server/gateway/policy/enforce-policy";
import type { PolicyResidencyEntry, PolicyRuleEntry } from "@/server/gateway/policy/rule-definition";
import { toOpenAIError } from "@/server/gateway/errors";
import { can } from "./permissions";
import { policyTestInputSchema, type PolicyTestInput } from "./policy-input";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

export interface PolicyTestResult {
  /** What the gateway would answer before any provider call: 200 (goes on) or the refusal's status. */
  status: number;
  error: { code: string | null; message: string } | null;
  decision: PolicyDecisionValue;
  /** The body as it would leave the gateway (rerouted model, masked prompt). */
  request: unknown;
  model: string | null;
}

const TRUSTED_HEADER = "x-simulated-caller-region";

/**
 * "Test a prompt": the saved rules (or drafts) and residency, compiled and enforced by the gateway's own code
 * (policy/enforce-policy.ts) against a body and a caller. Nothing is sent to a provider and nothing is recorded.
 */
export async function testPolicy(db: Database, actor: Actor, rawInput: PolicyTestInput): Promise<ServiceResult<PolicyTestResult>> {
  if (!can(actor.role, "policies:read")) return failure({ code: "forbidden", message: "Your role cannot test policies." });
  const input = policyTestInputSchema.parse(rawInput);
  const [savedRules, settings, modelRows] = await Promise.all([listPolicyRuleRows(db, actor.orgId), findPolicySettings(db, actor.orgId), listPolicyModels(db, actor.orgId)]);
  const rules: PolicyRuleEntry[] = input.rules
    ? input.rules.map((rule, index) => ({ id: rule.id ?? `draft-${index + 1}`, orgId: actor.orgId, position: index + 1, name: rule.name, enabled: rule.enabled ?? true, dryRun: rule.dry_run ?? false, action: rule.action, targetModel: rule.target_model ?? null, conditions: rule.conditions ?? {} }))
    : savedRules.map((row) => ({ ...row }));
  const residency: PolicyResidencyEntry = input.residency
    ? { orgId: actor.orgId, regions: input.residency.regions ?? null, callerRegions: input.residency.caller_regions ?? null }
    : { orgId: actor.orgId, regions: settings?.residencyRegions ?? null, callerRegions: settings?.residencyCallerRegions ?? null };
  const key = await simulatedKey(db, actor, input.key_id ?? null);
  if (!key) return failure({ code: "invalid", message: "key_id names no key of the organization.", field: "key_id" });

  const models = new Map(modelRows.map((row) => [row.name, toModelEntry(actor.orgId, row)]));
  const policy = compilePolicy(rules, residency);
  const record: PolicyRecord = { key, stream: false };
  const deps = { config: { findPolicy: () => policy, findModel: (_orgId: string, name: string) => models.get(name) }, options: { trustedRegionHeader: TRUSTED_HEADER } };
  const header = (name: string) => (name === TRUSTED_HEADER ? (input.caller_region ?? undefined) : undefined);
  const enforced = enforcePolicy(deps, record, input.body, { header });
  const decision = record.policy ?? { outcome: "allowed", rules: [] };
  if (!enforced.ok) {
    const mapped = toOpenAIError(enforced.error);
    return ok({ status: mapped.status, error: { code: mapped.body.error.code, message: mapped.body.error.message }, decision, request: null, model: null });
  }
  const body = enforced.value as Record<string, unknown>;
  return ok({ status: 200, error: null, decision, request: body, model: typeof body.model === "string" ? body.model : null });
}

export async function simulatedKey(db: Database, actor: Actor, keyId: string | null): Promise<KeyEntry | undefined> {
  const base = { orgId: actor.orgId, prefix: "", hash: "", allowedModels: null, expiresAt: null };
  if (!keyId) return { ...base, id: "00000000-0000-4000-8000-000000000000", teamId: null, name: "simulated caller", role: null, metadata: {}, region: null };
  const found = await findPolicyKey(db, actor.orgId, keyId);
  if (!found) return undefined;
  return { ...base, id: found.key.id, teamId: found.key.teamId, name: found.key.name, userId: found.key.userId, role: found.role, metadata: found.key.metadata, region: found.key.region };
}

export function toModelEntry(orgId: string, row: Awaited<ReturnType<typeof listPolicyModels>>[number]): ModelEntry {
  return {
    id: row.id,
    orgId,
    name: row.name,
    upstreamModel: row.upstreamModel,
    contextWindow: null,
    maxOutputTokens: null,
    region: row.region,
    createdAt: row.createdAt.getTime(),
    connection: { id: row.connectionId, orgId, kind: row.kind as ModelEntry["connection"]["kind"], name: row.kind, baseUrl: "", apiKey: "", trusted: false, region: null },
    prices: [],
  };
}
