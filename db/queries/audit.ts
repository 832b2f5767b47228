import { and, desc, eq, getTableColumns, gte, inArray, like, lte, sql, type SQL } from "drizzle-orm";
import type { Executor } from "../client";
import { adminTokens, auditLog, users, type AuditSource } from "../schema";
import { maskSecrets } from "./audit-mask";

export interface AuditEntry {
  orgId: string;
  actor: string;
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  /** Default: from the actor (user: → console, admin_key: / admin_token: → admin_api, else system). */
  source?: AuditSource;
}

/** Console users act through the console, tokens and the env key through the admin API. */
export function auditSourceOf(actor: string): AuditSource {
  if (actor.startsWith("user:")) return "console";
  if (actor.startsWith("admin_key:") || actor.startsWith("admin_token:")) return "admin_api";
  return "system";
}

/** Call inside the transaction that makes the change, so the log and the change commit together. Secrets are masked here, whatever the caller passes. */
export async function writeAudit(tx: Executor, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    orgId: entry.orgId,
    actor: entry.actor,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    before: maskSecrets(entry.before) ?? null,
    after: maskSecrets(entry.after) ?? null,
    source: entry.source ?? auditSourceOf(entry.actor),
  });
}

export interface AuditFilters {
  orgId: string;
  actor?: string;
  /** An exact action, or a prefix ending in "." ("member." matches member.invite, member.join …). */
  action?: string;
  targetType?: string;
  targetId?: string;
  source?: AuditSource;
  from?: Date;
  to?: Date;
}

/** created_at in microseconds since the epoch (exact: a JS Date would drop the microseconds), and the id. */
export interface AuditCursor {
  createdAtMicros: string;
  id: number;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function auditConditions(filters: AuditFilters): SQL[] {
  const conditions: SQL[] = [eq(auditLog.orgId, filters.orgId)];
  if (filters.actor) conditions.push(eq(auditLog.actor, filters.actor));
  if (filters.action) conditions.push(filters.action.endsWith(".") ? like(auditLog.action, `${escapeLike(filters.action)}%`) : eq(auditLog.action, filters.action));
  if (filters.targetType) conditions.push(eq(auditLog.targetType, filters.targetType));
  if (filters.targetId) conditions.push(eq(auditLog.targetId, filters.targetId));
  if (filters.source) conditions.push(eq(auditLog.source, filters.source));
  if (filters.from) conditions.push(gte(auditLog.createdAt, filters.from));
  if (filters.to) conditions.push(lte(auditLog.createdAt, filters.to));
  return conditions;
}

export type AuditRow = typeof auditLog.$inferSelect;

/** Newest first, keyset-paginated on (created_at, id): one index range scan per page, however deep. */
export async function listAuditEntries(db: Executor, filters: AuditFilters, options: { cursor?: AuditCursor; limit: number }) {
  const conditions = auditConditions(filters);
  if (options.cursor) {
    const { createdAtMicros, id } = options.cursor;
    conditions.push(sql`(${auditLog.createdAt}, ${auditLog.id}) < (timestamptz 'epoch' + ${createdAtMicros}::bigint * interval '1 microsecond', ${id})`);
  }
  const rows = await db
    .select({ ...getTableColumns(auditLog), createdAtMicros: sql<string>`(extract(epoch from ${auditLog.createdAt}) * 1000000)::bigint::text` })
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(options.limit + 1);
  const hasMore = rows.length > options.limit;
  const page = hasMore ? rows.slice(0, options.limit) : rows;
  const last = page.at(-1);
  return {
    rows: page.map(({ createdAtMicros: _micros, ...row }) => row),
    nextCursor: hasMore && last ? { createdAtMicros: last.createdAtMicros, id: last.id } : null,
  };
}

/** Display names for actor ids: a user's email, an admin token's name. */
export async function findActorLabels(db: Executor, orgId: string, actors: readonly string[]): Promise<Map<string, string>> {
  const userIds = new Set<string>();
  const tokenIds = new Set<string>();
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  for (const actor of actors) {
    const [kind, id] = [actor.slice(0, actor.indexOf(":")), actor.slice(actor.indexOf(":") + 1)];
    if (!uuid.test(id)) continue;
    if (kind === "user") userIds.add(id);
    if (kind === "admin_token") tokenIds.add(id);
  }
  const labels = new Map<string, string>([["admin_key:env", "GATEWAY_ADMIN_KEY"]]);
  if (userIds.size > 0) {
    for (const row of await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.id, [...userIds]))) labels.set(`user:${row.id}`, row.email);
  }
  if (tokenIds.size > 0) {
    const rows = await db.select({ id: adminTokens.id, name: adminTokens.name, prefix: adminTokens.tokenPrefix }).from(adminTokens).where(and(eq(adminTokens.orgId, orgId), inArray(adminTokens.id, [...tokenIds])));
    for (const row of rows) labels.set(`admin_token:${row.id}`, `token ${row.name} (${row.prefix}…)`);
  }
  return labels;
}
