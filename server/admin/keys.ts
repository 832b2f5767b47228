import { z } from "zod";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findModelByName } from "@/db/queries/models";
import { spendByKey } from "@/db/queries/usage-ledger";
import { findTeam, isTeamMember, listAllowancesOfUser } from "@/db/queries/teams";
import { findMember } from "@/db/queries/users";
import { findKey, insertKey, listKeys, revokeKeyRow } from "@/db/queries/virtual-keys";
import { issueToken } from "@/server/crypto/tokens";
import { costCentreSchema } from "./cost-centre";
import { can } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

/** Public input: what a console form or POST /api/admin/keys may set. */
export const createKeyInputSchema = z.object({
  name: z.string().trim().min(1, "name is required").max(100),
  models: z.array(z.string().trim().min(1)).max(200).nullish(),
  expires_at: z.iso.datetime({ offset: true }).nullish(),
  /** The team the key belongs to (its spend is the team's; its models stay within the team's). */
  team_id: z.uuid().nullish(),
  /** The member the key belongs to. Default: the signed-in member (none for a team key or an API call). A developer's keys are always their own. */
  user_id: z.uuid().nullish(),
  metadata: z.record(z.string(), z.string().max(500)).nullish(),
  /** The caller's region for policy rules and residency (e.g. "eu-west-1"). */
  region: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, '-', '_' and '.' only").nullish(),
  /** What is stored of its requests beside the ledger; absent or null: its team's setting (owners and admins only). */
  body_logging: z.enum(["none", "metadata", "full"]).nullish(),
  /** A cost-centre tag for reports; absent: the team's tag. */
  cost_centre: costCentreSchema.nullish(),
  /** The key's response cache: off, org (shared with the org's keys) or key (its own entries); absent or null: the org's default. */
  response_cache: z.enum(["off", "org", "key"]).nullish(),
});
export type CreateKeyInput = z.infer<typeof createKeyInputSchema>;

export type KeyView = Awaited<ReturnType<typeof listKeys>>[number];
export type KeyRow = Awaited<ReturnType<typeof insertKey>>;

interface Ownership {
  teamId: string | null;
  userId: string | null;
  /** The most the key may allow (null: every model) and whose limit it is. */
  allowance: { models: string[] } | null;
}

const ownOnly = failure({ code: "forbidden", message: "Your role can create keys for yourself only." });

/** Whose key it is, checked field by field: a developer only for themself and their own teams. */
async function resolveOwnership(db: Database, actor: Actor, input: CreateKeyInput): Promise<ServiceResult<Ownership>> {
  const mayWriteAll = can(actor.role, "keys:write");
  let userId: string | null;
  if (mayWriteAll) {
    const isConsoleUser = actor.id.startsWith("user:");
    userId = input.user_id !== undefined ? input.user_id : input.team_id || !isConsoleUser ? null : (actor.userId ?? null);
  } else {
    if (!actor.userId || (input.user_id !== undefined && input.user_id !== actor.userId)) return ownOnly;
    userId = actor.userId;
  }
  if (userId && userId !== actor.userId) {
    const member = await findMember(db, actor.orgId, userId);
    if (!member || member.deactivatedAt) return failure({ code: "invalid", message: "user_id is not an active member.", field: "user_id" });
  }
  if (input.team_id) {
    const team = await findTeam(db, actor.orgId, input.team_id);
    if (!team) return failure({ code: "invalid", message: "team_id names no team.", field: "team_id" });
    if (!mayWriteAll && !(await isTeamMember(db, team.id, actor.userId!))) return failure({ code: "forbidden", message: "You can create keys only for teams you are in." });
    return ok({ teamId: team.id, userId, allowance: team.allowedModels ? { models: team.allowedModels } : null });
  }
  if (mayWriteAll) return ok({ teamId: null, userId, allowance: null });
  // A developer in a team creates keys under one of their teams, so the team's budgets and limits always apply to
  // them (a key of their own would count against none of them). One in no team: a key of their own, org limits only.
  const allowances = await listAllowancesOfUser(db, actor.orgId, actor.userId!);
  if (allowances.length > 0) {
    return failure({ code: "invalid", message: "Choose one of your teams for the key (team_id): its budgets and limits apply to the key.", field: "team_id" });
  }
  return ok({ teamId: null, userId, allowance: null });
}

/** The key's allow-list: as asked, within the allowance; no list under an allowance means the allowance itself. */
function modelsWithin(requested: string[] | null, allowance: Ownership["allowance"], isDeveloper: boolean): ServiceResult<string[] | null> {
  if (!allowance) return ok(requested);
  if (requested === null) return ok(allowance.models);
  const outside = requested.filter((name) => !allowance.models.includes(name));
  if (outside.length === 0) return ok(requested);
  const message = `${outside.join(", ")} ${outside.length === 1 ? "is" : "are"} not among the team's models.`;
  return isDeveloper ? failure({ code: "forbidden", message }) : failure({ code: "invalid", message: `models: ${message}`, field: "models" });
}

export async function createVirtualKey(db: Database, actor: Actor, input: CreateKeyInput): Promise<ServiceResult<KeyRow & { key: string }>> {
  if (!can(actor.role, "keys:write") && !can(actor.role, "keys:write-own")) return failure({ code: "forbidden", message: "Your role cannot create keys." });
  const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
  if (expiresAt && expiresAt.getTime() <= Date.now()) return failure({ code: "invalid", message: "expires_at must be in the future", field: "expires_at" });
  if (input.body_logging && !can(actor.role, "keys:write")) return failure({ code: "forbidden", message: "Only owners and admins choose whether a key's request bodies are stored." });
  const ownership = await resolveOwnership(db, actor, input);
  if (!ownership.ok) return ownership;
  const models = modelsWithin(input.models ? [...new Set(input.models)] : null, ownership.value.allowance, !can(actor.role, "keys:write"));
  if (!models.ok) return models;
  for (const name of models.value ?? []) {
    if (!(await findModelByName(db, actor.orgId, name))) return failure({ code: "invalid", message: `Unknown model: ${name}`, field: "models" });
  }
  const issued = issueToken("vk");
  const row = await db.transaction(async (tx) => {
    const created = await insertKey(tx, {
      orgId: actor.orgId,
      teamId: ownership.value.teamId,
      userId: ownership.value.userId,
      name: input.name,
      keyPrefix: issued.prefix,
      keyHash: issued.hash,
      allowedModels: models.value,
      expiresAt,
      metadata: input.metadata ?? {},
      region: input.region ?? null,
      bodyLogging: input.body_logging ?? null,
      costCentre: input.cost_centre ?? null,
      responseCache: input.response_cache ?? null,
      createdBy: actor.id,
    });
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "key.create", targetType: "virtual_key", targetId: created.id, after: created });
    await notifyConfigChanged(tx, "keys");
    return created;
  });
  return ok({ ...row, key: issued.token });
}

export async function listVirtualKeys(db: Database, actor: Actor): Promise<ServiceResult<KeyView[]>> {
  if (!can(actor.role, "keys:read")) return failure({ code: "forbidden", message: "Your role cannot list keys." });
  if (can(actor.role, "org:read-all")) return ok(await listKeys(db, actor.orgId));
  // A developer sees their own keys only.
  return ok(actor.userId ? await listKeys(db, actor.orgId, { userId: actor.userId }) : []);
}

/** Days of spend a key's page totals. */
export const KEY_SPEND_DAYS = 30;

/** One key with its last 30 days' spend from the ledger; a developer may read only their own keys. */
export async function getKeyDetail(db: Database, actor: Actor, id: string) {
  if (!can(actor.role, "keys:read")) return failure({ code: "forbidden", message: "Your role cannot view keys." });
  const readsAll = can(actor.role, "org:read-all");
  if (!readsAll && !actor.userId) return failure({ code: "not_found", message: "No such key." });
  const [key] = await listKeys(db, actor.orgId, readsAll ? { id } : { id, userId: actor.userId! });
  if (!key) return failure({ code: "not_found", message: "No such key." });
  const since = new Date(Date.now() - KEY_SPEND_DAYS * 24 * 60 * 60 * 1000);
  const spend = await spendByKey(db, actor.orgId, [id], since);
  return ok({ ...key, spend: { since, days: KEY_SPEND_DAYS, ...(spend.byKey.get(id) ?? { costUsd: "0", requests: 0 }) } });
}

export async function revokeVirtualKey(db: Database, actor: Actor, id: string): Promise<ServiceResult<KeyRow>> {
  if (!can(actor.role, "keys:write") && !can(actor.role, "keys:write-own")) return failure({ code: "forbidden", message: "Your role cannot revoke keys." });
  const existing = await findKey(db, actor.orgId, id);
  if (!existing) return failure({ code: "not_found", message: "No such key." });
  const mayRevoke = can(actor.role, "keys:write") || (can(actor.role, "keys:write-own") && existing.userId !== null && existing.userId === actor.userId);
  if (!mayRevoke) return failure({ code: "forbidden", message: "Your role cannot revoke this key." });
  const row = await db.transaction(async (tx) => {
    const revoked = await revokeKeyRow(tx, actor.orgId, id);
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "key.revoke", targetType: "virtual_key", targetId: id, before: existing, after: revoked });
    await notifyConfigChanged(tx, "keys");
    return revoked;
  });
  return ok(row);
}
