import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findModelByName } from "@/db/queries/models";
import {
  deletePolicyRuleRow,
  findPolicyRule,
  findPolicySettings,
  insertPolicyRule,
  listPolicyRuleRows,
  nextPolicyPosition,
  updatePolicyRuleRow,
  upsertPolicySettings,
  type PolicyRuleRow,
  type PolicySettingsRow,
} from "@/db/queries/policies";
import { can } from "./permissions";
import { fullRuleSchema, type PolicyResidencyInput, type PolicyRuleInput, type PolicyRulePatch } from "./policy-input";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

const cannotRead = failure({ code: "forbidden", message: "Your role cannot view policies." });
const cannotWrite = failure({ code: "forbidden", message: "Your role cannot manage policies." });
const noRule = failure({ code: "not_found", message: "No such policy rule." });

export interface PolicyList {
  rules: PolicyRuleRow[];
  residency: { regions: string[] | null; caller_regions: string[] | null };
}

function residencyView(row: PolicySettingsRow | undefined): PolicyList["residency"] {
  return { regions: row?.residencyRegions ?? null, caller_regions: row?.residencyCallerRegions ?? null };
}

export async function listPolicies(db: Database, actor: Actor): Promise<ServiceResult<PolicyList>> {
  if (!can(actor.role, "policies:read")) return cannotRead;
  const [rules, settings] = await Promise.all([listPolicyRuleRows(db, actor.orgId), findPolicySettings(db, actor.orgId)]);
  return ok({ rules, residency: residencyView(settings) });
}

async function checkTarget(db: Database, actor: Actor, targetModel: string | null | undefined): Promise<ServiceResult<void>> {
  if (!targetModel || (await findModelByName(db, actor.orgId, targetModel))) return ok(undefined);
  return failure({ code: "invalid", message: `target_model names no model of the organization: ${targetModel}`, field: "target_model" });
}

/** Adds a rule at the end, or at `position` (the rules from there on move down one). */
export async function createPolicyRule(db: Database, actor: Actor, input: PolicyRuleInput): Promise<ServiceResult<PolicyRuleRow>> {
  if (!can(actor.role, "policies:write")) return cannotWrite;
  const target = await checkTarget(db, actor, input.target_model);
  if (!target.ok) return target;
  const row = await db.transaction(async (tx) => {
    const end = await nextPolicyPosition(tx, actor.orgId);
    const position = Math.min(input.position ?? end, end);
    if (position < end) {
      const later = (await listPolicyRuleRows(tx, actor.orgId)).filter((rule) => rule.position >= position);
      for (const rule of later.reverse()) await updatePolicyRuleRow(tx, actor.orgId, rule.id, { position: rule.position + 1 });
    }
    const created = await insertPolicyRule(tx, {
      orgId: actor.orgId,
      position,
      name: input.name,
      action: input.action,
      targetModel: input.target_model ?? null,
      dryRun: input.dry_run ?? false,
      enabled: input.enabled ?? true,
      conditions: input.conditions ?? {},
    });
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "policy_rule.create", targetType: "policy_rule", targetId: created.id, after: created });
    await notifyConfigChanged(tx, "policies");
    return created;
  });
  return ok(row);
}

export async function updatePolicyRule(db: Database, actor: Actor, id: string, patch: PolicyRulePatch): Promise<ServiceResult<PolicyRuleRow>> {
  if (!can(actor.role, "policies:write")) return cannotWrite;
  const existing = await findPolicyRule(db, actor.orgId, id);
  if (!existing) return noRule;
  const current = { name: existing.name, action: existing.action, target_model: existing.targetModel, dry_run: existing.dryRun, enabled: existing.enabled, conditions: existing.conditions };
  const merged = fullRuleSchema.safeParse({ ...current, ...Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) });
  if (!merged.success) {
    const issue = merged.error.issues[0];
    return failure({ code: "invalid", message: issue.message, field: issue.path.map(String).join(".") });
  }
  const target = await checkTarget(db, actor, merged.data.target_model);
  if (!target.ok) return target;
  const values = { name: merged.data.name, action: merged.data.action, targetModel: merged.data.target_model ?? null, dryRun: merged.data.dry_run ?? false, enabled: merged.data.enabled ?? true, conditions: merged.data.conditions ?? {} };
  const row = await db.transaction(async (tx) => {
    const updated = (await updatePolicyRuleRow(tx, actor.orgId, id, values))!;
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "policy_rule.update", targetType: "policy_rule", targetId: id, before: existing, after: updated });
    await notifyConfigChanged(tx, "policies");
    return updated;
  });
  return ok(row);
}

export async function deletePolicyRule(db: Database, actor: Actor, id: string): Promise<ServiceResult<PolicyRuleRow>> {
  if (!can(actor.role, "policies:write")) return cannotWrite;
  const existing = await findPolicyRule(db, actor.orgId, id);
  if (!existing) return noRule;
  await db.transaction(async (tx) => {
    await deletePolicyRuleRow(tx, actor.orgId, id);
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "policy_rule.delete", targetType: "policy_rule", targetId: id, before: existing });
    await notifyConfigChanged(tx, "policies");
  });
  return ok(existing);
}

/** Sets the evaluation order: `ids` lists every rule of the org exactly once. */
export async function reorderPolicyRules(db: Database, actor: Actor, ids: string[]): Promise<ServiceResult<PolicyRuleRow[]>> {
  if (!can(actor.role, "policies:write")) return cannotWrite;
  const existing = await listPolicyRuleRows(db, actor.orgId);
  const known = new Set(existing.map((rule) => rule.id));
  if (ids.length !== known.size || new Set(ids).size !== ids.length || ids.some((id) => !known.has(id))) {
    return failure({ code: "invalid", message: "ids must list every policy rule of the organization exactly once.", field: "ids" });
  }
  const rows = await db.transaction(async (tx) => {
    for (const [index, id] of ids.entries()) await updatePolicyRuleRow(tx, actor.orgId, id, { position: index + 1 });
    const after = await listPolicyRuleRows(tx, actor.orgId);
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "policy_rule.reorder", targetType: "policy_rule", before: existing.map((rule) => rule.id), after: after.map((rule) => rule.id) });
    await notifyConfigChanged(tx, "policies");
    return after;
  });
  return ok(rows);
}

/** Org residency: requests (of callers in `caller_regions`, or all) only reach models labelled with one of `regions`. */
export async function setPolicyResidency(db: Database, actor: Actor, input: PolicyResidencyInput): Promise<ServiceResult<PolicyList["residency"]>> {
  if (!can(actor.role, "policies:write")) return cannotWrite;
  const before = await findPolicySettings(db, actor.orgId);
  const regions = input.regions?.length ? [...new Set(input.regions)] : null;
  const callerRegions = input.caller_regions?.length ? [...new Set(input.caller_regions)] : null;
  const row = await db.transaction(async (tx) => {
    const saved = await upsertPolicySettings(tx, { orgId: actor.orgId, residencyRegions: regions, residencyCallerRegions: callerRegions });
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "policy_residency.update", targetType: "policy_settings", targetId: actor.orgId, before: residencyView(before), after: residencyView(saved) });
    await notifyConfigChanged(tx, "policies");
    return saved;
  });
  return ok(residencyView(row));
}
