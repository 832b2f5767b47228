import { z } from "zod";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findModelByName } from "@/db/queries/models";
import {
  countActiveTeamKeys,
  deleteTeamMember,
  deleteTeamRow,
  findTeam,
  insertTeam,
  insertTeamMember,
  isTeamMember,
  listTeamMembers,
  listTeams,
  updateTeamRow,
  type TeamRow,
} from "@/db/queries/teams";
import { spendByKey } from "@/db/queries/usage-ledger";
import { findMember } from "@/db/queries/users";
import { listKeys } from "@/db/queries/virtual-keys";
import { costCentreSchema } from "./cost-centre";
import { can } from "./permissions";
import { failure, isUniqueViolation, ok, type Actor, type ServiceResult } from "./service-result";

export const createTeamInputSchema = z.object({
  name: z.string().trim().min(1, "name is required").max(100),
  /** Models the team's keys may use; null or absent: every model. */
  allowed_models: z.array(z.string().trim().min(1)).max(200).nullish(),
  /** What is stored of its keys' requests beside the ledger (README "Stored request bodies"). */
  body_logging: z.enum(["none", "metadata", "full"]).optional(),
  /** A cost-centre tag for reports (a key's own tag wins). */
  cost_centre: costCentreSchema.nullish(),
});
export type CreateTeamInput = z.infer<typeof createTeamInputSchema>;
export const updateTeamInputSchema = createTeamInputSchema.partial();
export type UpdateTeamInput = z.infer<typeof updateTeamInputSchema>;
export const teamMemberInputSchema = z.object({ user_id: z.uuid() });

/** Spend on the team page covers this many days of the ledger. */
export const TEAM_SPEND_DAYS = 30;

const cannotWrite = failure({ code: "forbidden", message: "Your role cannot manage teams." });
const noTeam = failure({ code: "not_found", message: "No such team." });

/** A team the actor may read: any with org:read-all, else only teams they are in (a developer). */
async function readableTeam(db: Database, actor: Actor, id: string): Promise<TeamRow | undefined> {
  const team = await findTeam(db, actor.orgId, id);
  if (!team) return undefined;
  if (can(actor.role, "org:read-all")) return team;
  return actor.userId && (await isTeamMember(db, id, actor.userId)) ? team : undefined;
}

async function checkModels(db: Database, actor: Actor, models: string[] | null | undefined): Promise<ServiceResult<string[] | null | undefined>> {
  if (!models) return ok(models);
  const unique = [...new Set(models)];
  for (const name of unique) {
    if (!(await findModelByName(db, actor.orgId, name))) return failure({ code: "invalid", message: `Unknown model: ${name}`, field: "allowed_models" });
  }
  return ok(unique);
}

export async function listTeamsFor(db: Database, actor: Actor) {
  if (!can(actor.role, "teams:read")) return failure({ code: "forbidden", message: "Your role cannot view teams." });
  if (can(actor.role, "org:read-all")) return ok(await listTeams(db, actor.orgId));
  return ok(actor.userId ? await listTeams(db, actor.orgId, { userId: actor.userId }) : []);
}

/** A team with its members, its keys (a developer: their own) and the last 30 days' spend from the ledger. */
export async function getTeamDetail(db: Database, actor: Actor, id: string) {
  if (!can(actor.role, "teams:read")) return failure({ code: "forbidden", message: "Your role cannot view teams." });
  const team = await readableTeam(db, actor, id);
  if (!team) return noTeam;
  const keyOptions = can(actor.role, "org:read-all") ? { teamId: id } : { teamId: id, userId: actor.userId };
  const [members, keys] = await Promise.all([listTeamMembers(db, actor.orgId, id), listKeys(db, actor.orgId, keyOptions)]);
  const since = new Date(Date.now() - TEAM_SPEND_DAYS * 24 * 60 * 60 * 1000);
  const spend = await spendByKey(db, actor.orgId, keys.map((key) => key.id), since);
  return ok({
    ...team,
    members,
    keys: keys.map((key) => ({ ...key, spend: spend.byKey.get(key.id) ?? { costUsd: "0", requests: 0 } })),
    spend: { since, days: TEAM_SPEND_DAYS, costUsd: spend.total, isOwnKeysOnly: !can(actor.role, "org:read-all") },
  });
}

export async function createTeam(db: Database, actor: Actor, input: CreateTeamInput): Promise<ServiceResult<TeamRow>> {
  if (!can(actor.role, "teams:write")) return cannotWrite;
  const models = await checkModels(db, actor, input.allowed_models);
  if (!models.ok) return models;
  try {
    const team = await db.transaction(async (tx) => {
      const created = await insertTeam(tx, { orgId: actor.orgId, name: input.name, allowedModels: models.value ?? null, bodyLogging: input.body_logging ?? "none", costCentre: input.cost_centre ?? null });
      await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "team.create", targetType: "team", targetId: created.id, after: created });
      return created;
    });
    return ok(team);
  } catch (error) {
    if (isUniqueViolation(error)) return failure({ code: "conflict", message: `A team named "${input.name}" exists already.`, field: "name" });
    throw error;
  }
}

/** Renames, or changes the allowed models (checked for keys created from now on). */
export async function updateTeam(db: Database, actor: Actor, id: string, input: UpdateTeamInput): Promise<ServiceResult<TeamRow>> {
  if (!can(actor.role, "teams:write")) return cannotWrite;
  const existing = await findTeam(db, actor.orgId, id);
  if (!existing) return noTeam;
  const models = await checkModels(db, actor, input.allowed_models);
  if (!models.ok) return models;
  const patch = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.allowed_models !== undefined ? { allowedModels: models.value ?? null } : {}),
    ...(input.body_logging !== undefined ? { bodyLogging: input.body_logging } : {}),
    ...(input.cost_centre !== undefined ? { costCentre: input.cost_centre } : {}),
  };
  if (Object.keys(patch).length === 0) return ok(existing);
  try {
    const team = await db.transaction(async (tx) => {
      const updated = (await updateTeamRow(tx, actor.orgId, id, patch))!;
      await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "team.update", targetType: "team", targetId: id, before: existing, after: updated });
      // The team's model list caps its keys in every replica's snapshot.
      if (input.allowed_models !== undefined || input.body_logging !== undefined) await notifyConfigChanged(tx, "teams");
      return updated;
    });
    return ok(team);
  } catch (error) {
    if (isUniqueViolation(error)) return failure({ code: "conflict", message: `A team named "${input.name}" exists already.`, field: "name" });
    throw error;
  }
}

/** Refused while the team has active keys: revoke them first, so no key silently leaves its team's limits. */
export async function deleteTeam(db: Database, actor: Actor, id: string): Promise<ServiceResult<TeamRow>> {
  if (!can(actor.role, "teams:write")) return cannotWrite;
  const existing = await findTeam(db, actor.orgId, id);
  if (!existing) return noTeam;
  const activeKeys = await countActiveTeamKeys(db, id);
  if (activeKeys > 0) return failure({ code: "conflict", message: `The team has ${activeKeys} active key${activeKeys === 1 ? "" : "s"}: revoke ${activeKeys === 1 ? "it" : "them"} first.` });
  await db.transaction(async (tx) => {
    const members = await listTeamMembers(tx, actor.orgId, id);
    await deleteTeamRow(tx, actor.orgId, id);
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "team.delete", targetType: "team", targetId: id, before: { ...existing, memberIds: members.map((member) => member.id) } });
  });
  return ok(existing);
}

export async function addTeamMember(db: Database, actor: Actor, teamId: string, userId: string): Promise<ServiceResult<{ teamId: string; userId: string }>> {
  if (!can(actor.role, "teams:write")) return cannotWrite;
  if (!(await findTeam(db, actor.orgId, teamId))) return noTeam;
  const member = await findMember(db, actor.orgId, userId);
  if (!member) return failure({ code: "invalid", message: "user_id is not a member of the organization.", field: "user_id" });
  const added = await db.transaction(async (tx) => {
    const inserted = await insertTeamMember(tx, teamId, userId);
    if (inserted) await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "team.add_member", targetType: "team", targetId: teamId, after: { userId, email: member.email } });
    return inserted;
  });
  return added ? ok({ teamId, userId }) : failure({ code: "conflict", message: `${member.email} is in the team already.`, field: "user_id" });
}

export async function removeTeamMember(db: Database, actor: Actor, teamId: string, userId: string): Promise<ServiceResult<{ teamId: string; userId: string }>> {
  if (!can(actor.role, "teams:write")) return cannotWrite;
  if (!(await findTeam(db, actor.orgId, teamId))) return noTeam;
  const removed = await db.transaction(async (tx) => {
    const deleted = await deleteTeamMember(tx, teamId, userId);
    if (deleted) await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "team.remove_member", targetType: "team", targetId: teamId, before: { userId } });
    return deleted;
  });
  return removed ? ok({ teamId, userId }) : failure({ code: "not_found", message: "That member is not in the team." });
}
