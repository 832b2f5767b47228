import { z } from "zod";
import type { Database } from "@/db/client";
import { findActorLabels, listAuditEntries, type AuditCursor, type AuditFilters, type AuditRow } from "@/db/queries/audit";
import { findUserByEmail } from "@/db/queries/users";
import { auditSources } from "@/db/schema";
import { can } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

/**
 * The audit log as owners, admins and finance read it (audit:read): filters, keyset pages and
 * the actor's display name. One implementation for the console (tRPC, CSV export) and
 * GET /api/admin/audit.
 */
export const auditFiltersSchema = z.object({
  /** An actor id (user:<id>, admin_token:<id>, admin_key:env, system, anonymous) or a member's email. */
  actor: z.string().trim().max(320).optional(),
  /** An exact action (member.invite) or a prefix ending in "." (member.). */
  action: z.string().trim().max(100).optional(),
  targetType: z.string().trim().max(100).optional(),
  targetId: z.string().trim().max(200).optional(),
  source: z.enum(auditSources).optional(),
  from: z.date().optional(),
  to: z.date().optional(),
});
export type AuditFilterInput = z.infer<typeof auditFiltersSchema>;

export const auditCursorSchema = z.object({ createdAtMicros: z.string().regex(/^\d{1,20}$/), id: z.number().int().nonnegative() });

export type AuditView = AuditRow & { actorLabel: string | null };
export interface AuditPage {
  rows: AuditView[];
  nextCursor: AuditCursor | null;
}

const forbidden = failure({ code: "forbidden", message: "Your role cannot read the audit log." });

/** An email names the member's actor id; an unknown email matches nothing. */
async function resolveFilters(db: Database, actor: Actor, input: AuditFilterInput): Promise<AuditFilters & { isEmpty?: boolean }> {
  const { actor: actorFilter, ...rest } = input;
  const filters: AuditFilters = { orgId: actor.orgId, ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined && value !== "")) };
  if (!actorFilter) return filters;
  if (!actorFilter.includes("@")) return { ...filters, actor: actorFilter };
  const user = await findUserByEmail(db, actorFilter);
  return user && user.orgId === actor.orgId ? { ...filters, actor: `user:${user.id}` } : { ...filters, isEmpty: true };
}

export async function listAuditFor(db: Database, actor: Actor, input: AuditFilterInput, page: { cursor?: AuditCursor; limit: number }): Promise<ServiceResult<AuditPage>> {
  if (!can(actor.role, "audit:read")) return forbidden;
  const { isEmpty, ...filters } = await resolveFilters(db, actor, input);
  if (isEmpty) return ok({ rows: [], nextCursor: null });
  const result = await listAuditEntries(db, filters, page);
  const labels = await findActorLabels(db, actor.orgId, [...new Set(result.rows.map((row) => row.actor))]);
  return ok({ rows: result.rows.map((row) => ({ ...row, actorLabel: labels.get(row.actor) ?? null })), nextCursor: result.nextCursor });
}

/** Every matching entry, newest first, read in keyset pages (so an export never holds the whole log in memory). */
export async function* iterateAuditFor(db: Database, actor: Actor, input: AuditFilterInput, pageSize = 1000): AsyncGenerator<AuditView> {
  let cursor: AuditCursor | undefined;
  for (;;) {
    const page = await listAuditFor(db, actor, input, { cursor, limit: pageSize });
    if (!page.ok) return;
    yield* page.value.rows;
    if (!page.value.nextCursor) return;
    cursor = page.value.nextCursor;
  }
}

export function encodeAuditCursor(cursor: AuditCursor | null): string | null {
  return cursor ? Buffer.from(JSON.stringify([cursor.createdAtMicros, cursor.id])).toString("base64url") : null;
}

/** The REST API's opaque cursor; null when it is not one of ours. */
export function decodeAuditCursor(value: string): AuditCursor | null {
  try {
    const [createdAtMicros, id] = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as [unknown, unknown];
    const parsed = auditCursorSchema.safeParse({ createdAtMicros, id });
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
