import { z } from "zod";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { listLiveGatewayInstances } from "@/db/queries/gateway-instances";
import { findModelByName } from "@/db/queries/models";
import {
  deleteRateLimitRow,
  findRateLimit,
  findRateLimitByScope,
  insertRateLimit,
  listRateLimitRows,
  updateRateLimitRow,
  type RateLimitRow,
} from "@/db/queries/rate-limits";
import { findTeam } from "@/db/queries/teams";
import { findKey } from "@/db/queries/virtual-keys";
import { can } from "./permissions";
import { failure, isUniqueViolation, ok, type Actor, type ServiceResult } from "./service-result";

const scopes = ["org", "key", "team", "user", "model"] as const;
const limitValue = (max: number) => z.number().int().positive().max(max).nullish();
const limitFields = {
  rpm: limitValue(1_000_000),
  tpm: limitValue(2_000_000_000),
  concurrency: limitValue(100_000),
  /** When Redis is unreachable: "open" (default) admits unchecked, "closed" refuses with 429. */
  fail_mode: z.enum(["open", "closed"]).optional(),
};

/** POST /api/admin/rate-limits and the console form: the whole definition of one scope's limit (absent values: no such limit). */
export const setRateLimitInputSchema = z
  .object({
    scope: z.enum(scopes),
    /** The key id, team id, end user (the request's `user`) or model name; absent: the default for each of them. */
    scope_id: z.string().trim().min(1).max(256).nullish(),
    ...limitFields,
  })
  .superRefine((input, context) => {
    if (input.scope === "org" && input.scope_id) context.addIssue({ code: "custom", path: ["scope_id"], message: "an org limit has no scope_id" });
    if (input.rpm == null && input.tpm == null && input.concurrency == null) context.addIssue({ code: "custom", path: ["rpm"], message: "set at least one of rpm, tpm, concurrency" });
  });
export type SetRateLimitInput = z.infer<typeof setRateLimitInputSchema>;
export const updateRateLimitInputSchema = z.object(limitFields);
export type UpdateRateLimitInput = z.infer<typeof updateRateLimitInputSchema>;
export const rateLimitFilterSchema = z.object({ scope: z.enum(scopes).optional(), scope_id: z.string().max(256).optional() });

const cannotRead = failure({ code: "forbidden", message: "Your role cannot view rate limits." });
const cannotWrite = failure({ code: "forbidden", message: "Your role cannot manage rate limits." });
const noLimit = failure({ code: "not_found", message: "No such rate limit." });
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The subject of a limit must exist when it is a key, team or model of the org (end users are whatever requests name). */
async function checkSubject(db: Database, actor: Actor, scope: RateLimitRow["scope"], scopeId: string | null): Promise<ServiceResult<void>> {
  if (scopeId === null || scope === "user" || scope === "org") return ok(undefined);
  const isKnown =
    scope === "model"
      ? Boolean(await findModelByName(db, actor.orgId, scopeId))
      : uuidPattern.test(scopeId) && Boolean(scope === "key" ? await findKey(db, actor.orgId, scopeId) : await findTeam(db, actor.orgId, scopeId));
  return isKnown ? ok(undefined) : failure({ code: "invalid", message: `scope_id names no ${scope} of the organization.`, field: "scope_id" });
}

export async function listRateLimits(db: Database, actor: Actor, filter: z.infer<typeof rateLimitFilterSchema> = {}): Promise<ServiceResult<RateLimitRow[]>> {
  if (!can(actor.role, "rate-limits:read")) return cannotRead;
  return ok(await listRateLimitRows(db, actor.orgId, { scope: filter.scope, scopeId: filter.scope_id }));
}

/** Creates the scope's limit, or replaces it: `created` tells which (201 or 200 on the admin API). */
export async function setRateLimit(db: Database, actor: Actor, input: SetRateLimitInput): Promise<ServiceResult<RateLimitRow & { created: boolean }>> {
  if (!can(actor.role, "rate-limits:write")) return cannotWrite;
  const scopeId = input.scope === "org" ? null : (input.scope_id ?? null);
  const subject = await checkSubject(db, actor, input.scope, scopeId);
  if (!subject.ok) return subject;
  const values = { rpm: input.rpm ?? null, tpm: input.tpm ?? null, concurrency: input.concurrency ?? null, failMode: input.fail_mode ?? ("open" as const) };
  try {
    const saved = await db.transaction(async (tx) => {
      const existing = await findRateLimitByScope(tx, actor.orgId, input.scope, scopeId);
      const row = existing
        ? (await updateRateLimitRow(tx, actor.orgId, existing.id, values))!
        : await insertRateLimit(tx, { orgId: actor.orgId, scope: input.scope, scopeId, ...values });
      await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: existing ? "rate_limit.update" : "rate_limit.create", targetType: "rate_limit", targetId: row.id, before: existing, after: row });
      await notifyConfigChanged(tx, "rate_limits");
      return { ...row, created: !existing };
    });
    return ok(saved);
  } catch (error) {
    if (isUniqueViolation(error)) return failure({ code: "conflict", message: "That scope's limit was changed at the same time; try again.", field: "scope_id" });
    throw error;
  }
}

/** Changes some values of a limit; null clears one (at least one must stay). */
export async function updateRateLimit(db: Database, actor: Actor, id: string, input: UpdateRateLimitInput): Promise<ServiceResult<RateLimitRow>> {
  if (!can(actor.role, "rate-limits:write")) return cannotWrite;
  const existing = await findRateLimit(db, actor.orgId, id);
  if (!existing) return noLimit;
  const patch = {
    ...(input.rpm !== undefined ? { rpm: input.rpm } : {}),
    ...(input.tpm !== undefined ? { tpm: input.tpm } : {}),
    ...(input.concurrency !== undefined ? { concurrency: input.concurrency } : {}),
    ...(input.fail_mode !== undefined ? { failMode: input.fail_mode } : {}),
  };
  const next = { ...existing, ...patch };
  if (next.rpm === null && next.tpm === null && next.concurrency === null) return failure({ code: "invalid", message: "A limit keeps at least one of rpm, tpm, concurrency: delete it instead.", field: "rpm" });
  const row = await db.transaction(async (tx) => {
    const updated = (await updateRateLimitRow(tx, actor.orgId, id, patch))!;
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "rate_limit.update", targetType: "rate_limit", targetId: id, before: existing, after: updated });
    await notifyConfigChanged(tx, "rate_limits");
    return updated;
  });
  return ok(row);
}

export async function deleteRateLimit(db: Database, actor: Actor, id: string): Promise<ServiceResult<RateLimitRow>> {
  if (!can(actor.role, "rate-limits:write")) return cannotWrite;
  const existing = await findRateLimit(db, actor.orgId, id);
  if (!existing) return noLimit;
  await db.transaction(async (tx) => {
    await deleteRateLimitRow(tx, actor.orgId, id);
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "rate_limit.delete", targetType: "rate_limit", targetId: id, before: existing });
    await notifyConfigChanged(tx, "rate_limits");
  });
  return ok(existing);
}

/** Gateway processes seen within this window count as running. */
const LIVE_WINDOW_MS = 3 * 60_000;

/**
 * Which limiter the running gateways use. Several processes on the in-process limiter each count every limit
 * on their own (the effective limit is that many times the configured one): the console warns.
 */
export async function getLimiterStatus(db: Database, actor: Actor) {
  if (!can(actor.role, "rate-limits:read")) return cannotRead;
  const live = await listLiveGatewayInstances(db, new Date(Date.now() - LIVE_WINDOW_MS));
  const memory = live.filter((instance) => instance.limiter === "memory").length;
  const redis = live.length - memory;
  const warning =
    memory > 1
      ? `${memory} gateway processes run without REDIS_URL: each enforces every rate limit on its own, so a limit admits up to ${memory} times its value. Set REDIS_URL on every replica.`
      : null;
  return ok({ memory, redis, warning });
}
