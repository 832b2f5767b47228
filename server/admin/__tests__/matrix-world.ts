/**
 * The organisation the role matrices run against (server/api/__tests__/trpc-role-matrix.test.ts,
 * server/admin/__tests__/admin-routes-role-matrix.test.ts): one member per role, a provider, a
 * model, a team the developer is in, a ledger row on the developer's key, and helpers that make a
 * fresh target for each cell (written straight through db/queries, before the cell's snapshot).
 */
import { insertBudget } from "@/db/queries/budgets";
import { insertExportSchedule } from "@/db/queries/export-schedules";
import { sql } from "drizzle-orm";
import { executeRows, type Database } from "@/db/client";
import { insertAdminToken } from "@/db/queries/admin-tokens";
import { insertInvitation } from "@/db/queries/invitations";
import { insertExperiment, insertExperimentVersion } from "@/db/queries/experiments";
import { insertModelGroup, insertModelGroupVersion } from "@/db/queries/model-groups";
import { insertModel, insertPrice } from "@/db/queries/models";
import { groupDefinitionSchema } from "@/server/gateway/routing/group-schema";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertConnection } from "@/db/queries/provider-connections";
import { insertPolicyRule, listPolicyRuleRows, nextPolicyPosition } from "@/db/queries/policies";
import { insertRateLimit } from "@/db/queries/rate-limits";
import { insertTeam, insertTeamMember } from "@/db/queries/teams";
import { insertUsageRows } from "@/db/queries/usage-ledger";
import { insertUserWithRole, updateMembership } from "@/db/queries/users";
import { insertKey } from "@/db/queries/virtual-keys";
import { insertMcpGrant } from "@/db/queries/mcp-grants";
import { insertMcpServer, upsertMcpToolRow } from "@/db/queries/mcp-servers";
import { hashToolDefinition } from "@/server/mcp/tool-definition";
import type { Role } from "@/db/schema";
import type { SessionActor } from "@/server/auth/session-actor";
import { hashToken, issueToken } from "@/server/crypto/tokens";

export const roles = ["owner", "admin", "developer", "finance", "viewer"] as const satisfies readonly Role[];
export const writers: Role[] = ["owner", "admin"];
export const everyone: Role[] = [...roles];
export const readers: Role[] = ["owner", "admin", "finance", "viewer"];
/** Budgets are edited by finance too. */
export const budgetWriters: Role[] = ["owner", "admin", "finance"];

export interface World {
  db: Database;
  orgId: string;
  actors: Record<Role, SessionActor>;
  connectionId: string;
  /** Points at a closed local port: "Test connection" answers quickly with a failure (still a success of the call). */
  unreachableConnectionId: string;
  modelId: string;
  modelName: string;
  teamId: string;
  /** The developer's own key (in teamId). */
  keyId: string;
  /** A ledger row on the developer's own key: every role may read it. */
  requestId: string;
}

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${++counter}-${Math.random().toString(36).slice(2, 7)}`;

export async function freshUser(world: Pick<World, "db" | "orgId">, role: Role, options: { isDeactivated?: boolean } = {}): Promise<string> {
  const user = await insertUserWithRole(world.db, { email: `${unique(role)}@matrix.test`, passwordHash: "x", orgId: world.orgId, role });
  if (options.isDeactivated) await updateMembership(world.db, world.orgId, user.id, { deactivatedAt: new Date() });
  return user.id;
}

export async function freshKey(world: Pick<World, "db" | "orgId">, owner: { userId?: string | null; teamId?: string | null } = {}): Promise<string> {
  const issued = issueToken("vk");
  const key = await insertKey(world.db, { orgId: world.orgId, name: unique("key"), keyPrefix: issued.prefix, keyHash: issued.hash, userId: owner.userId ?? null, teamId: owner.teamId ?? null, createdBy: "system" });
  return key.id;
}

export async function freshConnection(world: Pick<World, "db" | "orgId">, baseUrl = "https://api.openai.com/v1"): Promise<string> {
  const connection = await insertConnection(world.db, { orgId: world.orgId, kind: "openai", name: unique("conn"), baseUrl, source: "console" });
  return connection.id;
}

export async function freshModel(world: Pick<World, "db" | "orgId" | "connectionId">): Promise<{ id: string; name: string }> {
  const model = await insertModel(world.db, { orgId: world.orgId, name: unique("model"), connectionId: world.connectionId, upstreamModel: "gpt-4o-mini" });
  await insertPrice(world.db, { modelId: model.id, inputPerMtok: "1", outputPerMtok: "2", effectiveFrom: new Date(0) });
  return { id: model.id, name: model.name };
}

/** A model group over the world's model, with its version 1 (inserted directly: no audit row of its own). */
export async function freshGroup(world: Pick<World, "db" | "orgId" | "modelName">): Promise<string> {
  const definition = groupDefinitionSchema.parse({ deployments: [{ id: "only", model: world.modelName }] });
  const group = await insertModelGroup(world.db, { orgId: world.orgId, name: unique("group"), definition, version: 1 });
  await insertModelGroupVersion(world.db, { groupId: group.id, orgId: world.orgId, version: 1, definition, createdBy: "system", note: "created" });
  return group.id;
}

/** An experiment on the world's model, a draft unless told (inserted directly: no audit row of its own). */
export async function freshExperiment(world: Pick<World, "db" | "orgId" | "modelName">, status: "draft" | "running" = "draft"): Promise<string> {
  const variants = [{ name: "a", weight: 50, target: world.modelName }, { name: "b", weight: 50, target: world.modelName }];
  const row = await insertExperiment(world.db, { orgId: world.orgId, name: unique("experiment"), model: world.modelName, status, updatedAt: new Date(), variants });
  await insertExperimentVersion(world.db, { experimentId: row.id, orgId: world.orgId, version: 1, variants, guardrails: row.guardrails, scope: row.scope, bandit: null, createdBy: "test", note: "created" });
  return row.id;
}

export async function freshTeam(world: Pick<World, "db" | "orgId">, memberIds: string[] = []): Promise<string> {
  const team = await insertTeam(world.db, { orgId: world.orgId, name: unique("team") });
  for (const userId of memberIds) await insertTeamMember(world.db, team.id, userId);
  return team.id;
}

export async function freshInvitation(world: Pick<World, "db" | "orgId">, role: Role): Promise<string> {
  const invitation = await insertInvitation(world.db, {
    orgId: world.orgId,
    email: `${unique("invitee")}@matrix.test`,
    role,
    tokenHash: hashToken(unique("mgi")),
    invitedBy: "admin_key:env",
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  return invitation.id;
}

/** An end-user rate limit of its own (each cell changes or deletes a fresh one). */
export async function freshRateLimit(world: Pick<World, "db" | "orgId">): Promise<string> {
  const row = await insertRateLimit(world.db, { orgId: world.orgId, scope: "user", scopeId: unique("end-user"), rpm: 10 });
  return row.id;
}

/** A budget on a fresh end user (inserted directly: no audit row of its own). */
export async function freshBudget(world: Pick<World, "db" | "orgId">): Promise<string> {
  const row = await insertBudget(world.db, { orgId: world.orgId, scope: "user", scopeId: unique("end-user"), period: "monthly", limitUsd: "5" });
  return row.id;
}

/** An export schedule to a closed local port (no runner runs in these tests), inserted directly: no audit row of its own. */
export async function freshExportSchedule(world: Pick<World, "db" | "orgId">): Promise<string> {
  const row = await insertExportSchedule(world.db, { orgId: world.orgId, name: unique("export"), format: "csv", groupBy: "team", webhookUrl: "http://127.0.0.1:9/export", createdBy: "system" });
  return row.id;
}

/** A log-only policy rule of its own, at the end of the list (each cell changes or deletes a fresh one). */
export async function freshPolicyRule(world: Pick<World, "db" | "orgId">): Promise<string> {
  const row = await insertPolicyRule(world.db, { orgId: world.orgId, position: await nextPolicyPosition(world.db, world.orgId), name: unique("rule"), action: "log", conditions: { keywords: ["matrix"] } });
  return row.id;
}

/** Every policy rule id of the org, reversed, as JSON (a reorder cell's input). */
export async function reversedPolicyIds(world: Pick<World, "db" | "orgId">): Promise<string> {
  await freshPolicyRule(world);
  return JSON.stringify((await listPolicyRuleRows(world.db, world.orgId)).map((rule) => rule.id).reverse());
}

/** An `mga_` token with `role`, made by `createdBy` (a user id). */
export async function freshAdminToken(world: Pick<World, "db" | "orgId">, role: Role, createdBy: string): Promise<{ id: string; token: string }> {
  const issued = issueToken("mga");
  const row = await insertAdminToken(world.db, { orgId: world.orgId, name: unique("token"), role, tokenPrefix: issued.prefix, tokenHash: issued.hash, createdBy: `user:${createdBy}` });
  return { id: row.id, token: issued.token };
}

export async function buildWorld(db: Database): Promise<World> {
  const orgId = await ensureDefaultOrg(db);
  const base = { db, orgId };
  const actors = {} as Record<Role, SessionActor>;
  for (const role of roles) {
    const id = await freshUser(base, role);
    actors[role] = { orgId, id: `user:${id}`, userId: id, role, email: `${role}@matrix.test` };
  }
  const connectionId = await freshConnection(base);
  const unreachableConnectionId = await freshConnection(base, "http://127.0.0.1:9/v1");
  const model = await freshModel({ ...base, connectionId });
  const teamId = await freshTeam(base, [actors.developer.userId!]);
  const keyId = await freshKey(base, { userId: actors.developer.userId, teamId });
  const requestId = unique("req");
  const now = new Date();
  await insertUsageRows(db, [{ id: requestId, orgId, keyId, teamId, endpoint: "/v1/chat/completions", status: "success", httpStatus: 200, latencyMs: 3, startedAt: now, endedAt: now, costUsd: "0.000001000000" }]);
  return { db, orgId, actors, connectionId, unreachableConnectionId, modelId: model.id, modelName: model.name, teamId, keyId, requestId };
}

let tables: string[] | undefined;

/** One digest per table of every row: a refused call must leave all of them unchanged (audit log included). */
export async function fingerprint(db: Database): Promise<Record<string, string>> {
  // gateway_instances is process telemetry (a running gateway's heartbeat), not something a call changes.
  tables ??= (await executeRows<{ name: string }>(db, sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'gateway_instances' order by 1`)).map((row) => row.name);
  const query = tables.map((table) => `select '${table}' as name, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from "${table}" t`).join(" union all ");
  const rows = await executeRows<{ name: string; digest: string }>(db, sql.raw(query));
  return Object.fromEntries(rows.map((row) => [row.name, row.digest]));
}

/** An MCP server on a closed local port ("Test connection" fails fast, which is still a success of the call). */
export async function freshMcpServer(world: Pick<World, "db" | "orgId">): Promise<string> {
  const row = await insertMcpServer(world.db, { orgId: world.orgId, slug: unique("mcp").toLowerCase(), name: unique("mcp"), url: "http://127.0.0.1:9/mcp", timeoutMs: 1_000 });
  return row.id;
}

/** A pending tool of a fresh MCP server; `hash` is what approving it takes. */
export async function freshMcpTool(world: Pick<World, "db" | "orgId">): Promise<{ id: string; hash: string }> {
  const serverId = await freshMcpServer(world);
  const definition = { name: "lookup", description: "Looks something up.", inputSchema: { type: "object" } };
  const hash = hashToolDefinition(definition);
  const row = await upsertMcpToolRow(world.db, { serverId, name: "lookup", exposedName: "x__lookup", definition, definitionHash: hash, status: "pending" });
  return { id: row.id, hash };
}

export async function freshMcpGrant(world: Pick<World, "db" | "orgId">): Promise<string> {
  const keyId = await freshKey(world);
  const row = await insertMcpGrant(world.db, { orgId: world.orgId, subject: "key", subjectId: keyId, serverId: null, tool: "*" });
  return row.id;
}

let monthCounter = 0;

/** A month of its own for each close (long ended: January 2001 onwards). */
export function freshMonth(): string {
  const index = 2001 * 12 + monthCounter++;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** A closed month (inserted directly: no audit row of its own), for reopen cells. */
export async function freshClosedMonth(world: Pick<World, "db" | "orgId">): Promise<string> {
  const { insertPeriodClose } = await import("@/db/queries/period-closes");
  const month = freshMonth();
  const from = new Date(`${month}-01T00:00:00Z`);
  const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
  await insertPeriodClose(world.db, { orgId: world.orgId, month, timeZone: "UTC", periodStart: from, periodEnd: to, closedBy: "system" });
  return month;
}

/** The org's OpenAI cost API source on a closed local port: "Import now" fails fast (a recorded failed run, still a success of the call). */
export async function freshCostSource(world: Pick<World, "db" | "orgId">): Promise<string> {
  const { upsertCostSource } = await import("@/db/queries/provider-costs");
  const { encryptSecret } = await import("@/server/crypto/secret-box");
  const { getEncryptionKey } = await import("@/server/crypto/instance-secrets");
  const row = await upsertCostSource(world.db, { orgId: world.orgId, provider: "openai", baseUrl: "http://127.0.0.1:9/v1", credentialCiphertext: encryptSecret("sk-admin-matrix-0000", getEncryptionKey()), credentialLast4: "0000", enabled: true, lookbackDays: 2 });
  return row.id;
}
