import { z } from "zod";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import {
  deleteModelGroupRow,
  findModelGroup,
  findModelGroupByName,
  findModelGroupVersion,
  insertModelGroup,
  insertModelGroupVersion,
  listModelGroupRows,
  listModelGroupVersions,
  updateModelGroupRow,
  type ModelGroupRow,
  type ModelGroupVersionRow,
} from "@/db/queries/model-groups";
import { findModelByName } from "@/db/queries/models";
import { listRoutingEventRows } from "@/db/queries/routing-events";
import type { GroupDefinition } from "@/db/schema/model-group-definition";
import type { Executor } from "@/db/client";
import { checkDeploymentIds, groupDefinitionFields, groupDefinitionSchema } from "@/server/gateway/routing/group-schema";
import { can } from "./permissions";
import { failure, isUniqueViolation, ok, type Actor, type ServiceResult } from "./service-result";

const groupName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/, "letters, digits and . _ : / -, at most 128, starting with a letter or digit");
const groupMeta = { description: z.string().trim().max(500).nullish(), enabled: z.boolean().optional() };

/** POST /api/admin/groups and the console: the name beside the definition's fields (README "Model groups and routing"). */
export const createGroupInputSchema = z.object({ name: groupName, ...groupMeta, ...groupDefinitionFields }).superRefine(checkDeploymentIds);
export type CreateGroupInput = z.input<typeof createGroupInputSchema>;

const definitionKeys = ["strategy", "deployments", "fallbacks", "retry", "fallback_on", "session_affinity", "timeouts", "circuit", "context", "prompt_cache", "response_cache"] as const;
/** PATCH: any definition field given replaces that field; the result is validated whole. Each change is a new version. */
export const updateGroupInputSchema = z
  .object({ ...groupMeta, strategy: groupDefinitionFields.strategy.unwrap().optional(), deployments: groupDefinitionFields.deployments.optional(), fallbacks: z.array(z.string().trim().min(1).max(256)).max(10).optional(), retry: z.unknown().optional(), fallback_on: z.unknown().optional(), session_affinity: z.unknown().optional(), timeouts: z.unknown().optional(), circuit: z.unknown().optional(), context: z.unknown().optional(), prompt_cache: z.unknown().optional(), response_cache: z.unknown().optional() })
  .strict();
export type UpdateGroupInput = z.input<typeof updateGroupInputSchema>;
export const restoreGroupInputSchema = z.object({ version: z.number().int().positive() });

export interface GroupView extends ModelGroupRow {
  versions?: ModelGroupVersionRow[];
}

const cannotRead = failure({ code: "forbidden", message: "Your role cannot view model groups." });
const cannotWrite = failure({ code: "forbidden", message: "Your role cannot manage model groups." });
const noGroup = failure({ code: "not_found", message: "No such model group." });

/** Every deployment names a model of the org; every fallback a group or model other than the group itself; the name is no model's. */
async function checkReferences(db: Executor, actor: Actor, name: string, definition: GroupDefinition): Promise<ServiceResult<void>> {
  if (await findModelByName(db, actor.orgId, name)) return failure({ code: "conflict", message: `A model is named \`${name}\`; a group needs a name of its own.`, field: "name" });
  for (const [index, deployment] of definition.deployments.entries()) {
    if (!(await findModelByName(db, actor.orgId, deployment.model))) return failure({ code: "invalid", message: `deployments[${index}].model names no model of the organization.`, field: `deployments.${index}.model` });
  }
  for (const [index, fallback] of definition.fallbacks.entries()) {
    if (fallback === name) return failure({ code: "invalid", message: "A group cannot fall back to itself.", field: `fallbacks.${index}` });
    const known = (await findModelByName(db, actor.orgId, fallback)) ?? (await findModelGroupByName(db, actor.orgId, fallback));
    if (!known) return failure({ code: "invalid", message: `fallbacks[${index}] names no model or group of the organization.`, field: `fallbacks.${index}` });
  }
  // Context-window management's models (README "Context-window management"): a model (summarize) or a model or group (fallback).
  const { summarize_model: summarizeModel, fallback_model: fallbackModel } = definition.context;
  if (summarizeModel && !(await findModelByName(db, actor.orgId, summarizeModel))) return failure({ code: "invalid", message: "context.summarize_model names no model of the organization.", field: "context.summarize_model" });
  if (fallbackModel && (fallbackModel === name || !((await findModelByName(db, actor.orgId, fallbackModel)) ?? (await findModelGroupByName(db, actor.orgId, fallbackModel))))) {
    return failure({ code: "invalid", message: "context.fallback_model names no other model or group of the organization.", field: "context.fallback_model" });
  }
  const semanticModel = definition.response_cache.semantic?.model;
  if (semanticModel && !(await findModelByName(db, actor.orgId, semanticModel))) return failure({ code: "invalid", message: "response_cache.semantic.model names no model of the organization.", field: "response_cache.semantic.model" });
  return ok(undefined);
}

export async function listGroups(db: Database, actor: Actor): Promise<ServiceResult<ModelGroupRow[]>> {
  if (!can(actor.role, "routing:read")) return cannotRead;
  return ok(await listModelGroupRows(db, actor.orgId));
}

/** A group with every version of its definition, newest first. */
export async function getGroup(db: Database, actor: Actor, id: string): Promise<ServiceResult<GroupView>> {
  if (!can(actor.role, "routing:read")) return cannotRead;
  const row = await findModelGroup(db, actor.orgId, id);
  if (!row) return noGroup;
  return ok({ ...row, versions: await listModelGroupVersions(db, actor.orgId, id) });
}

export async function createGroup(db: Database, actor: Actor, input: z.output<typeof createGroupInputSchema>): Promise<ServiceResult<ModelGroupRow>> {
  if (!can(actor.role, "routing:write")) return cannotWrite;
  const definition = groupDefinitionSchema.parse(Object.fromEntries(definitionKeys.map((field) => [field, input[field]])));
  const checked = await checkReferences(db, actor, input.name, definition);
  if (!checked.ok) return checked;
  try {
    const row = await db.transaction(async (tx) => {
      const created = await insertModelGroup(tx, { orgId: actor.orgId, name: input.name, description: input.description ?? null, enabled: input.enabled ?? true, definition, version: 1 });
      await insertModelGroupVersion(tx, { groupId: created.id, orgId: actor.orgId, version: 1, definition, createdBy: actor.id, note: "created" });
      await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "model_group.create", targetType: "model_group", targetId: created.id, after: created });
      await notifyConfigChanged(tx, "model_groups");
      return created;
    });
    return ok(row);
  } catch (error) {
    if (isUniqueViolation(error)) return failure({ code: "conflict", message: `A group named \`${input.name}\` exists already.`, field: "name" });
    throw error;
  }
}

export async function updateGroup(db: Database, actor: Actor, id: string, input: UpdateGroupInput): Promise<ServiceResult<ModelGroupRow>> {
  if (!can(actor.role, "routing:write")) return cannotWrite;
  const existing = await findModelGroup(db, actor.orgId, id);
  if (!existing) return noGroup;
  const merged: Record<string, unknown> = { ...existing.definition };
  for (const field of definitionKeys) if (input[field] !== undefined) merged[field] = input[field];
  const parsed = groupDefinitionSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return failure({ code: "invalid", message: `${issue.path.join(".") || "definition"}: ${issue.message}`, field: issue.path.join(".") });
  }
  const checked = await checkReferences(db, actor, existing.name, parsed.data);
  if (!checked.ok) return checked;
  return saveVersion(db, actor, existing, { definition: parsed.data, ...(input.description !== undefined ? { description: input.description } : {}), ...(input.enabled !== undefined ? { enabled: input.enabled } : {}) }, "updated", "model_group.update");
}

/** Makes an earlier version's definition current again, as a new version (nothing is ever overwritten). */
export async function restoreGroupVersion(db: Database, actor: Actor, id: string, version: number): Promise<ServiceResult<ModelGroupRow>> {
  if (!can(actor.role, "routing:write")) return cannotWrite;
  const existing = await findModelGroup(db, actor.orgId, id);
  if (!existing) return noGroup;
  const old = await findModelGroupVersion(db, actor.orgId, id, version);
  if (!old) return failure({ code: "not_found", message: `The group has no version ${version}.` });
  const parsed = groupDefinitionSchema.safeParse(old.definition);
  if (!parsed.success) return failure({ code: "invalid", message: `Version ${version} no longer validates.`, field: "version" });
  const checked = await checkReferences(db, actor, existing.name, parsed.data);
  if (!checked.ok) return failure({ code: "invalid", message: `Version ${version} cannot be restored: ${checked.error.message}`, field: "version" });
  return saveVersion(db, actor, existing, { definition: parsed.data }, `restored version ${version}`, "model_group.restore");
}

async function saveVersion(db: Database, actor: Actor, existing: ModelGroupRow, patch: Parameters<typeof updateModelGroupRow>[4], note: string, action: string): Promise<ServiceResult<ModelGroupRow>> {
  const row = await db.transaction(async (tx) => {
    const updated = await updateModelGroupRow(tx, actor.orgId, existing.id, existing.version, patch);
    if (!updated) return undefined;
    await insertModelGroupVersion(tx, { groupId: existing.id, orgId: actor.orgId, version: updated.version, definition: updated.definition, createdBy: actor.id, note });
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action, targetType: "model_group", targetId: existing.id, before: existing, after: updated });
    await notifyConfigChanged(tx, "model_groups");
    return updated;
  });
  return row ? ok(row) : failure({ code: "conflict", message: "The group was changed at the same time; reload it and try again." });
}

export async function deleteGroup(db: Database, actor: Actor, id: string): Promise<ServiceResult<ModelGroupRow>> {
  if (!can(actor.role, "routing:write")) return cannotWrite;
  const existing = await findModelGroup(db, actor.orgId, id);
  if (!existing) return noGroup;
  await db.transaction(async (tx) => {
    await deleteModelGroupRow(tx, actor.orgId, id);
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "model_group.delete", targetType: "model_group", targetId: id, before: existing });
    await notifyConfigChanged(tx, "model_groups");
  });
  return ok(existing);
}

export const routingEventsInputSchema = z.object({
  group_id: z.uuid().optional(),
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export interface RoutingEventView {
  id: string;
  at: string;
  group_id: string | null;
  group: string;
  deployment: string;
  kind: string;
  state: string | null;
  reason: string;
  replica: string;
}

/** The routing-events timeline (circuit changes, cool-downs), newest first; `before` pages back. */
export async function listRoutingEvents(db: Database, actor: Actor, input: z.output<typeof routingEventsInputSchema>): Promise<ServiceResult<RoutingEventView[]>> {
  if (!can(actor.role, "routing:read")) return cannotRead;
  const rows = await listRoutingEventRows(db, actor.orgId, { groupId: input.group_id, before: input.before ? new Date(input.before) : undefined, limit: input.limit });
  return ok(rows.map((row) => ({ id: row.id, at: row.at.toISOString(), group_id: row.groupId, group: row.groupName, deployment: row.deployment, kind: row.kind, state: row.state, reason: row.reason, replica: row.replica })));
}
