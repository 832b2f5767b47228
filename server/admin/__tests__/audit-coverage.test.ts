/**
 * Every mutating admin service writes its audit row in the same transaction as its change,
 * against the real PostgreSQL. With a trigger that refuses audit inserts, each call must fail and
 * leave every table as it was (no change without its audit row); without it, each call writes
 * the expected action with the right source, and no secret (issued key or token, hash, provider
 * credential, password) reaches before/after. The services are read from server/admin itself, so
 * a new mutating service without a row here fails.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { executeRows } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { writeSetting } from "@/db/queries/settings";
import { acceptInvitation, inviteMember, revokeInvitation } from "@/server/admin/invitations";
import { createAdminToken, revokeAdminToken } from "@/server/admin/admin-tokens";
import { createVirtualKey, revokeVirtualKey } from "@/server/admin/keys";
import { changeMemberRole, deactivateMember, reactivateMember } from "@/server/admin/members";
import { createModel, updateModel } from "@/server/admin/models";
import { createProviderConnection, updateProviderConnection } from "@/server/admin/providers";
import { createBudget, deleteBudget, updateBudget } from "@/server/admin/budgets";
import { findOrganization } from "@/db/queries/organizations";
import { updateOrgSettings } from "@/server/admin/org-settings";
import { setCacheSettings } from "@/server/admin/response-cache";
import { closePeriod, reopenPeriod } from "@/server/admin/period-close";
import { recordInvoice } from "@/server/admin/invoices";
import { importProviderCostsNow, setCostDriftSettings, setProviderCostSource } from "@/server/admin/cost-imports";
import { createExportSchedule, deleteExportSchedule, sendExportNow, updateExportSchedule } from "@/server/admin/export-schedules";
import { createPolicyRule, deletePolicyRule, reorderPolicyRules, setPolicyResidency, updatePolicyRule } from "@/server/admin/policies";
import { deleteRateLimit, setRateLimit, updateRateLimit } from "@/server/admin/rate-limits";
import { createGroup, createGroupInputSchema, deleteGroup, restoreGroupVersion, updateGroup } from "@/server/admin/groups";
import { createExperiment, setExperimentStatus } from "@/server/admin/experiments";
import { promoteExperimentVariant, rollbackExperimentVariant } from "@/server/admin/experiment-decisions";
import { restoreExperimentVersion, updateExperiment } from "@/server/admin/experiment-edits";
import type { Actor, ServiceResult } from "@/server/admin/service-result";
import { completeSetup } from "@/server/admin/setup";
import { addTeamMember, createTeam, deleteTeam, removeTeamMember, updateTeam } from "@/server/admin/teams";
import { SETUP_TOKEN_SETTING } from "@/server/bootstrap";
import { hashToken, issueToken } from "@/server/crypto/tokens";
import { createMcpGrant, deleteMcpGrant } from "@/server/admin/mcp-grants";
import { createMcpServer, deleteMcpServer, updateMcpServer } from "@/server/admin/mcp-servers";
import { approveMcpTool, revokeMcpTool } from "@/server/admin/mcp-tools";
import { buildWorld, fingerprint, freshAdminToken, freshBudget, freshClosedMonth, freshConnection, freshCostSource, freshExperiment, freshExportSchedule, freshGroup, freshInvitation, freshKey, freshMcpGrant, freshMcpServer, freshMcpTool, freshModel, freshMonth, freshTeam, freshUser, unique, type World } from "./matrix-world";
import { setDiscount, setOrgPrice } from "../org-prices";

type Database = World["db"];
interface Case {
  service: string;
  label?: string;
  action: string;
  /** Secrets the call handles: none may appear in the audit row. */
  secrets?: (result: unknown) => string[];
  run: (db: Database, world: World, actor: Actor) => Promise<ServiceResult<unknown>>;
}

const SECRET_API_KEY = "sk-audit-secret-value-4321";
const SECRET_PASSWORD = "audit-password-secret-123";

function invitationToken(result: unknown): string[] {
  const token = (result as { token?: string }).token;
  return token ? [token, hashToken(token)] : [];
}

/** A policy rule inserted directly (no audit row of its own, so it works while audit inserts are refused). */
async function freshPolicyRule(db: Database, world: World): Promise<string> {
  const [row] = await executeRows<{ id: string }>(db, sql`insert into policy_rules (org_id, position, name, action, conditions) values (${world.orgId}, 1000, ${unique("rule")}, 'log', '{"keywords":["audit"]}'::jsonb) returning id`);
  return row.id;
}

async function allPolicyIdsReversed(db: Database, world: World): Promise<string[]> {
  await freshPolicyRule(db, world);
  const rows = await executeRows<{ id: string }>(db, sql`select id from policy_rules where org_id = ${world.orgId} order by position desc, created_at desc`);
  return rows.map((row) => row.id);
}

/** A rate limit on a key of its own, inserted directly (no audit row of its own, so it works while audit inserts are refused). */
async function freshRateLimit(db: Database, world: World): Promise<string> {
  const keyId = await freshKey(world);
  const [row] = await executeRows<{ id: string }>(db, sql`insert into rate_limits (org_id, scope, scope_id, rpm) values (${world.orgId}, 'key', ${keyId}, 60) returning id`);
  return row.id;
}

const cases: Case[] = [
  { service: "createVirtualKey", action: "key.create", secrets: (value) => [(value as { key: string }).key, hashToken((value as { key: string }).key)], run: (db, _world, actor) => createVirtualKey(db, actor, { name: unique("k"), metadata: { api_token: "meta-secret-1" } }) },
  { service: "revokeVirtualKey", action: "key.revoke", run: async (db, world, actor) => revokeVirtualKey(db, actor, await freshKey(world)) },
  { service: "createProviderConnection", action: "provider.create", run: (db, _world, actor) => createProviderConnection(db, actor, { kind: "openai", name: unique("p"), api_key: SECRET_API_KEY }) },
  { service: "updateProviderConnection", action: "provider.update_credential", run: async (db, world, actor) => updateProviderConnection(db, actor, await freshConnection(world), { api_key: SECRET_API_KEY }) },
  { service: "createModel", action: "model.create", run: (db, world, actor) => createModel(db, actor, { name: unique("m"), connection_id: world.connectionId, upstream_model: "gpt-4o-mini", price: { input: "1", output: "2" } }) },
  { service: "updateModel", label: "a field", action: "model.update", run: async (db, world, actor) => updateModel(db, actor, (await freshModel(world)).id, { enabled: false }) },
  { service: "updateModel", label: "a price", action: "model.update_price", run: async (db, world, actor) => updateModel(db, actor, (await freshModel(world)).id, { price: { input: "3", output: "4" } }) },
  { service: "createAdminToken", action: "admin_token.create", secrets: (value) => [(value as { token: string }).token, hashToken((value as { token: string }).token)], run: (db, _world, actor) => createAdminToken(db, actor, { name: unique("t"), role: "viewer" }) },
  { service: "revokeAdminToken", action: "admin_token.revoke", run: async (db, world, actor) => revokeAdminToken(db, actor, (await freshAdminToken(world, "viewer", world.actors.owner.userId!)).id) },
  { service: "inviteMember", action: "member.invite", secrets: invitationToken, run: (db, _world, actor) => inviteMember(db, actor, { email: `${unique("invitee")}@audit.test`, role: "viewer" }) },
  { service: "revokeInvitation", action: "member.revoke_invitation", run: async (db, world, actor) => revokeInvitation(db, actor, await freshInvitation(world, "viewer")) },
  {
    service: "acceptInvitation",
    action: "member.join",
    secrets: () => [SECRET_PASSWORD],
    run: async (db, world) => {
      const token = `mgi_${unique("accept")}-${"x".repeat(20)}`;
      await executeRows(db, sql`insert into invitations (org_id, email, role, token_hash, invited_by, expires_at) values (${world.orgId}, ${`${unique("joiner")}@audit.test`}, 'viewer', ${hashToken(token)}, 'admin_key:env', now() + interval '1 day')`);
      return acceptInvitation(db, { token, name: "Joiner", password: SECRET_PASSWORD });
    },
  },
  { service: "changeMemberRole", action: "member.change_role", run: async (db, world, actor) => changeMemberRole(db, actor, await freshUser(world, "viewer"), "finance") },
  { service: "deactivateMember", action: "member.deactivate", run: async (db, world, actor) => deactivateMember(db, actor, await freshUser(world, "viewer"), { revoke_keys: true }) },
  { service: "reactivateMember", action: "member.reactivate", run: async (db, world, actor) => reactivateMember(db, actor, await freshUser(world, "viewer", { isDeactivated: true })) },
  { service: "createTeam", action: "team.create", run: (db, _world, actor) => createTeam(db, actor, { name: unique("team") }) },
  { service: "updateTeam", action: "team.update", run: async (db, world, actor) => updateTeam(db, actor, await freshTeam(world), { name: unique("team") }) },
  { service: "deleteTeam", action: "team.delete", run: async (db, world, actor) => deleteTeam(db, actor, await freshTeam(world)) },
  { service: "addTeamMember", action: "team.add_member", run: async (db, world, actor) => addTeamMember(db, actor, await freshTeam(world), world.actors.viewer.userId!) },
  { service: "setRateLimit", action: "rate_limit.create", run: async (db, world, actor) => setRateLimit(db, actor, { scope: "key", scope_id: await freshKey(world), rpm: 10, fail_mode: "open" }) },
  { service: "updateRateLimit", action: "rate_limit.update", run: async (db, world, actor) => updateRateLimit(db, actor, await freshRateLimit(db, world), { rpm: 20 }) },
  { service: "deleteRateLimit", action: "rate_limit.delete", run: async (db, world, actor) => deleteRateLimit(db, actor, await freshRateLimit(db, world)) },
  { service: "createBudget", action: "budget.create", run: async (db, world, actor) => createBudget(db, actor, { scope: "team", scope_id: await freshTeam(world), period: "daily", limit_usd: "4.25" }) },
  { service: "updateBudget", action: "budget.update", run: async (db, world, actor) => updateBudget(db, actor, await freshBudget(world), { limit_usd: "9" }) },
  { service: "deleteBudget", action: "budget.delete", run: async (db, world, actor) => deleteBudget(db, actor, await freshBudget(world)) },
  { service: "createPolicyRule", action: "policy_rule.create", run: (db, _world, actor) => createPolicyRule(db, actor, { name: unique("rule"), action: "block", conditions: { detectors: ["payment_card"] } }) },
  { service: "updatePolicyRule", action: "policy_rule.update", run: async (db, world, actor) => updatePolicyRule(db, actor, await freshPolicyRule(db, world), { dry_run: true }) },
  { service: "deletePolicyRule", action: "policy_rule.delete", run: async (db, world, actor) => deletePolicyRule(db, actor, await freshPolicyRule(db, world)) },
  { service: "reorderPolicyRules", action: "policy_rule.reorder", run: async (db, world, actor) => reorderPolicyRules(db, actor, await allPolicyIdsReversed(db, world)) },
  { service: "setPolicyResidency", action: "policy_residency.update", run: (db, _world, actor) => setPolicyResidency(db, actor, { regions: ["eu"], caller_regions: null }) },
  { service: "createMcpServer", action: "mcp_server.create", secrets: () => [SECRET_API_KEY], run: (db, _world, actor) => createMcpServer(db, actor, { slug: unique("m").toLowerCase(), name: unique("m"), url: "http://127.0.0.1:9/mcp", auth_mode: "header", auth_header_name: "x-api-key", credential: SECRET_API_KEY }) },
  { service: "updateMcpServer", action: "mcp_server.update", secrets: () => [SECRET_API_KEY], run: async (db, world, actor) => updateMcpServer(db, actor, await freshMcpServer(world), { auth_mode: "header", auth_header_name: "x-api-key", credential: SECRET_API_KEY }) },
  { service: "deleteMcpServer", action: "mcp_server.delete", run: async (db, world, actor) => deleteMcpServer(db, actor, await freshMcpServer(world)) },
  { service: "approveMcpTool", action: "mcp_tool.approve", run: async (db, world, actor) => { const tool = await freshMcpTool(world); return approveMcpTool(db, actor, tool.id, { definition_hash: tool.hash }); } },
  { service: "revokeMcpTool", action: "mcp_tool.revoke", run: async (db, world, actor) => revokeMcpTool(db, actor, (await freshMcpTool(world)).id) },
  { service: "createMcpGrant", action: "mcp_grant.create", run: async (db, world, actor) => createMcpGrant(db, actor, { subject: "key", subject_id: await freshKey(world), tool: "*" }) },
  { service: "deleteMcpGrant", action: "mcp_grant.delete", run: async (db, world, actor) => deleteMcpGrant(db, actor, await freshMcpGrant(world)) },
  {
    service: "updateOrgSettings",
    action: "org.update",
    run: async (db, world, actor) => updateOrgSettings(db, actor, { time_zone: (await findOrganization(db, world.orgId))?.timeZone === "Europe/Paris" ? "Asia/Tokyo" : "Europe/Paris" }),
  },
  { service: "setOrgPrice", action: "model.set_org_price", run: (db, world, actor) => setOrgPrice(db, actor, world.modelId, { input: "0.5", output: "1" }) },
  { service: "setDiscount", action: "discount.set", run: (db, _world, actor) => setDiscount(db, actor, { provider: "openai", percent: "10" }) },
  { service: "setCacheSettings", action: "response_cache.update", run: (db, _world, actor) => setCacheSettings(db, actor, { mode: "org", ttl_seconds: 300 }) },
  { service: "closePeriod", action: "period.close", run: (db, _world, actor) => closePeriod(db, actor, freshMonth()) },
  { service: "reopenPeriod", action: "period.reopen", run: async (db, world, actor) => reopenPeriod(db, actor, await freshClosedMonth(world)) },
  { service: "setProviderCostSource", action: "provider_cost_source.set", run: (db, _world, actor) => setProviderCostSource(db, actor, { provider: "anthropic", admin_key: SECRET_API_KEY, base_url: "http://127.0.0.1:9/v1" }) },
  { service: "setCostDriftSettings", action: "cost_drift.settings", run: (db, _world, actor) => setCostDriftSettings(db, actor, { threshold_percent: "4.5", webhook_url: "http://127.0.0.1:9/hook" }) },
  { service: "importProviderCostsNow", action: "provider_cost.import", run: async (db, world, actor) => (await freshCostSource(world), importProviderCostsNow(db, actor, "openai")) },
  { service: "createExportSchedule", action: "export_schedule.create", run: (db, _world, actor) => createExportSchedule(db, actor, { name: unique("export"), format: "focus", webhook_url: "http://127.0.0.1:9/hooks/audit-secret-token", enabled: false }), secrets: () => ["audit-secret-token"] },
  { service: "updateExportSchedule", action: "export_schedule.update", run: async (db, world, actor) => updateExportSchedule(db, actor, await freshExportSchedule(world), { webhook_url: "http://127.0.0.1:9/hooks/audit-secret-token", enabled: false }), secrets: () => ["audit-secret-token"] },
  { service: "deleteExportSchedule", action: "export_schedule.delete", run: async (db, world, actor) => deleteExportSchedule(db, actor, await freshExportSchedule(world)) },
  { service: "sendExportNow", action: "export_schedule.send", run: async (db, world, actor) => sendExportNow(db, actor, await freshExportSchedule(world), "2026-10") },
  { service: "recordInvoice", action: "invoice.record", run: (db, _world, actor) => recordInvoice(db, actor, { month: "2026-10", provider: unique("p").toLowerCase(), total_usd: "1.5" }) },
  { service: "createGroup", action: "model_group.create", run: (db, world, actor) => createGroup(db, actor, createGroupInputSchema.parse({ name: unique("group"), deployments: [{ id: "a", model: world.modelName }] })) },
  { service: "updateGroup", action: "model_group.update", run: async (db, world, actor) => updateGroup(db, actor, await freshGroup(world), { strategy: "lowest_latency" }) },
  { service: "restoreGroupVersion", action: "model_group.restore", run: async (db, world, actor) => restoreGroupVersion(db, actor, await freshGroup(world), 1) },
  { service: "deleteGroup", action: "model_group.delete", run: async (db, world, actor) => deleteGroup(db, actor, await freshGroup(world)) },
  { service: "createExperiment", action: "experiment.create", run: (db, world, actor) => createExperiment(db, actor, { name: unique("experiment"), model: world.modelName, variants: [{ name: "a", weight: 50, target: world.modelName }, { name: "b", weight: 50, target: world.modelName }] }) },
  { service: "setExperimentStatus", action: "experiment.stop", run: async (db, world, actor) => setExperimentStatus(db, actor, await freshExperiment(world), "stopped") },
  { service: "updateExperiment", action: "experiment.update", run: async (db, world, actor) => updateExperiment(db, actor, await freshExperiment(world), { weights: { a: 70, b: 30 } }) },
  { service: "restoreExperimentVersion", action: "experiment.restore", run: async (db, world, actor) => restoreExperimentVersion(db, actor, await freshExperiment(world), 1) },
  { service: "promoteExperimentVariant", action: "experiment.promote", run: async (db, world, actor) => promoteExperimentVariant(db, actor, await freshExperiment(world, "running"), { variant: "a" }) },
  { service: "rollbackExperimentVariant", action: "experiment.rollback", run: async (db, world, actor) => rollbackExperimentVariant(db, actor, await freshExperiment(world, "running"), { variant: "b" }) },
  { service: "removeTeamMember", action: "team.remove_member", run: async (db, world, actor) => removeTeamMember(db, actor, await freshTeam(world, [world.actors.viewer.userId!]), world.actors.viewer.userId!) },
];

const mutatingName = /^(create|update|set|revoke|delete|invite|change|deactivate|reactivate|add|remove|accept|complete|close|reopen|approve|record|import|reorder|restore|promote|rollback|send)[A-Z]/;

/** completeSetup runs on an empty database: its own test below. */
const coveredElsewhere = new Set(["completeSetup"]);

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let world: World;

async function refuseAuditInserts(db: Database, refuse: boolean): Promise<void> {
  await executeRows(db, sql.raw(`alter table audit_log ${refuse ? "enable" : "disable"} trigger audit_log_refuse`));
}

async function installRefusal(db: Database): Promise<void> {
  await executeRows(db, sql`create or replace function audit_log_refuse() returns trigger language plpgsql as $$ begin raise exception 'audit insert refused by the test'; end $$`);
  await executeRows(db, sql`create trigger audit_log_refuse before insert on audit_log for each row execute function audit_log_refuse()`);
  await refuseAuditInserts(db, false);
}

async function maxAuditId(db: Database): Promise<number> {
  const [row] = await executeRows<{ id: number | null }>(db, sql`select max(id)::int as id from audit_log`);
  return row.id ?? 0;
}

beforeAll(async () => {
  process.env.GATEWAY_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  process.env.GATEWAY_ALLOW_PRIVATE_HOSTS = "127.0.0.1,api.openai.com";
  database = await createTestDatabase();
  world = await buildWorld(database.handle.db);
  await installRefusal(world.db);
});
afterAll(async () => database?.drop());

test("every mutating service in server/admin has a case here", () => {
  const adminDir = path.resolve(import.meta.dirname, "..");
  const exported = readdirSync(adminDir)
    .filter((file) => file.endsWith(".ts"))
    .flatMap((file) => [...readFileSync(path.join(adminDir, file), "utf8").matchAll(/^export async function (\w+)/gm)].map((match) => match[1]));
  const mutating = exported.filter((name) => mutatingName.test(name) && !coveredElsewhere.has(name));
  expect([...new Set(cases.map((entry) => entry.service))].sort()).toEqual([...new Set(mutating)].sort());
});

describe.each(cases.map((entry) => [`${entry.service}${entry.label ? ` (${entry.label})` : ""}`, entry] as const))("%s", (_name, entry) => {
  test("fails, and changes nothing, when its audit row cannot be written", async () => {
    const db = world.db;
    // Targets are made first (they are not the change under test), then audit inserts are refused.
    let before: Record<string, string> | undefined;
    const guarded = async (...args: Parameters<Case["run"]>) => {
      const original = db.transaction.bind(db);
      // Snapshot right before the service's own transaction: what preparation wrote is not the service's change.
      (db as { transaction: typeof db.transaction }).transaction = (async (...txArgs: Parameters<typeof db.transaction>) => {
        before ??= await fingerprint(db);
        await refuseAuditInserts(db, true);
        return original(...txArgs);
      }) as typeof db.transaction;
      try {
        return await entry.run(...args);
      } finally {
        (db as { transaction: typeof db.transaction }).transaction = original;
      }
    };
    try {
      await expect(guarded(db, world, world.actors.owner)).rejects.toThrow();
    } finally {
      await refuseAuditInserts(db, false);
    }
    expect(before).toBeDefined();
    expect(await fingerprint(db)).toEqual(before);
  });

  test.each([
    ["console", "owner"],
    ["admin_api", "token"],
  ] as const)("writes %s audit rows with no secret in them", async (source, who) => {
    const actor: Actor = who === "owner" ? world.actors.owner : { orgId: world.orgId, id: "admin_key:env", role: "owner" };
    const since = await maxAuditId(world.db);
    const result = await entry.run(world.db, world, actor);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const rows = await executeRows<{ action: string; source: string; actor: string; before: unknown; after: unknown }>(world.db, sql`select action, source, actor, before, after from audit_log where id > ${since} order by id`);
    const row = rows.find((candidate) => candidate.action === entry.action);
    expect(row, `no ${entry.action} row in ${JSON.stringify(rows.map((candidate) => candidate.action))}`).toBeDefined();
    // Joining through an invitation is the invitee acting in the console, whoever made the link.
    expect(row!.source).toBe(entry.service === "acceptInvitation" ? "console" : source);
    const written = JSON.stringify(rows);
    for (const secret of [SECRET_API_KEY, SECRET_PASSWORD, "meta-secret-1", ...(entry.secrets?.(result.ok ? result.value : null) ?? [])]) expect(written).not.toContain(secret);
    expect(written).not.toMatch(/\$argon2|"v1\.[A-Za-z0-9]/);
  });
});

describe("completeSetup (the first owner)", () => {
  test("refused audit insert: no owner, the setup token stays; otherwise one user.create_owner row", async () => {
    const empty = await createTestDatabase();
    try {
      const db = empty.handle.db;
      await installRefusal(db);
      const issued = issueToken("mga");
      await writeSetting(db, SETUP_TOKEN_SETTING, { hash: issued.hash, expiresAt: Date.now() + 60_000 });
      const input = { token: issued.token, email: "first@audit.test", password: SECRET_PASSWORD };
      await refuseAuditInserts(db, true);
      await expect(completeSetup(db, input)).rejects.toThrow();
      await refuseAuditInserts(db, false);
      expect(await executeRows(db, sql`select id from users`)).toHaveLength(0);
      expect(await completeSetup(db, input)).toMatchObject({ ok: true });
      const rows = await executeRows<{ action: string; source: string; after: unknown }>(db, sql`select action, source, after from audit_log`);
      expect(rows).toMatchObject([{ action: "user.create_owner", source: "console" }]);
      expect(JSON.stringify(rows)).not.toContain(SECRET_PASSWORD);
    } finally {
      await empty.drop();
    }
  });
});
