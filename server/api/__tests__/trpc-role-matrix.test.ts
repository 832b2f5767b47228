/**
 * Every tRPC procedure × every role, against the real PostgreSQL: exactly the allowed cells
 * succeed; every other cell is FORBIDDEN and changes no row of any table (audit log included).
 * The procedures are read from appRouter itself, so a new procedure without a row here fails.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { TRPCError } from "@trpc/server";
import { getDatabase } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import type { Role } from "@/db/schema";
import {
  buildWorld,
  everyone,
  fingerprint,
  freshAdminToken,
  freshConnection,
  freshInvitation,
  freshKey,
  freshModel,
  freshPolicyRule,
  freshRateLimit,
  freshBudget,
  freshExportSchedule,
  freshClosedMonth,
  freshCostSource,
  freshMonth,
  freshGroup,
  freshExperiment,
  budgetWriters,
  freshTeam,
  freshUser,
  freshMcpGrant,
  freshMcpServer,
  freshMcpTool,
  readers,
  reversedPolicyIds,
  roles,
  unique,
  writers,
  type World,
} from "@/server/admin/__tests__/matrix-world";
import { stopGatewayRuntime } from "@/server/gateway/runtime";
import { stopMcpRuntime } from "@/server/mcp/runtime";

// The console's session lookup needs next-auth; the matrix hands each call its actor directly.
vi.mock("@/server/auth/actor", () => ({ getSessionActor: async () => null }));
const { appRouter } = await import("@/server/api/root");
const { createCallerFactory } = await import("@/server/api/trpc");

type Prepared = Record<string, string>;
interface Cell {
  label?: string;
  allowed: readonly Role[];
  /** Fresh targets for one call (made before the snapshot). */
  prepare?: (world: World, role: Role) => Promise<Prepared>;
  input?: (world: World, prepared: Prepared, role: Role) => unknown;
}

const price = { input: "1", output: "2" };

const matrix: Record<string, Cell[]> = {
  me: [{ allowed: everyone }],
  "keys.list": [{ allowed: everyone }],
  // The developer's own key: every role reads it (another member's key is "not found" to a developer: keys.test.ts).
  "keys.get": [{ allowed: everyone, input: (world) => ({ id: world.keyId }) }],
  "keys.create": [
    { label: "for another member", allowed: writers, input: (world) => ({ name: unique("k"), user_id: world.actors.viewer.userId }) },
    { label: "for the developer's team", allowed: ["owner", "admin", "developer"], input: (world) => ({ name: unique("k"), team_id: world.teamId }) },
  ],
  "keys.revoke": [
    { label: "own key", allowed: ["owner", "admin", "developer"], prepare: async (world, role) => ({ id: await freshKey(world, { userId: world.actors[role].userId }) }), input: (_world, prepared) => ({ id: prepared.id }) },
    { label: "someone else's key", allowed: writers, prepare: async (world) => ({ id: await freshKey(world, { userId: world.actors.viewer.userId }) }), input: (_world, prepared) => ({ id: prepared.id }) },
  ],
  "providers.list": [{ allowed: everyone }],
  "providers.kinds": [{ allowed: everyone }],
  "providers.create": [{ allowed: writers, input: () => ({ kind: "openai", name: unique("p"), api_key: "sk-matrix" }) }],
  "providers.update": [{ allowed: writers, prepare: async (world) => ({ id: await freshConnection(world) }), input: (_world, prepared) => ({ id: prepared.id, patch: { name: unique("p") } }) }],
  "providers.test": [{ allowed: writers, input: (world) => ({ id: world.unreachableConnectionId }) }],
  "models.list": [{ allowed: everyone }],
  "models.create": [{ allowed: writers, input: (world) => ({ name: unique("m"), connection_id: world.connectionId, upstream_model: "gpt-4o-mini", price }) }],
  "models.update": [
    { label: "a price", allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: (await freshModel(world)).id }), input: (_world, prepared) => ({ id: prepared.id, patch: { price } }) },
    { label: "a field", allowed: writers, prepare: async (world) => ({ id: (await freshModel(world)).id }), input: (_world, prepared) => ({ id: prepared.id, patch: { enabled: false } }) },
  ],
  "requests.list": [{ allowed: everyone, input: () => ({}) }],
  "requests.get": [{ allowed: everyone, input: (world) => ({ id: world.requestId }) }],
  "overview.get": [{ allowed: everyone, input: () => ({ range: "24h" }) }],
  "adminTokens.list": [{ allowed: writers }],
  "adminTokens.create": [
    { label: "with the creator's role", allowed: writers, input: () => ({ name: unique("t") }) },
    { label: "an owner token", allowed: ["owner"], input: () => ({ name: unique("t"), role: "owner" }) },
  ],
  "adminTokens.revoke": [{ allowed: writers, prepare: async (world) => ({ id: (await freshAdminToken(world, "viewer", world.actors.owner.userId!)).id }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "members.list": [{ allowed: readers }],
  "members.invitations": [{ allowed: readers }],
  "members.invite": [
    { label: "a viewer", allowed: writers, input: () => ({ email: `${unique("new")}@matrix.test`, role: "viewer" }) },
    { label: "an owner", allowed: ["owner"], input: () => ({ email: `${unique("new")}@matrix.test`, role: "owner" }) },
  ],
  "members.revokeInvitation": [{ allowed: writers, prepare: async (world) => ({ id: await freshInvitation(world, "viewer") }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "members.changeRole": [
    { label: "viewer to finance", allowed: writers, prepare: async (world) => ({ userId: await freshUser(world, "viewer") }), input: (_world, prepared) => ({ userId: prepared.userId, role: "finance" }) },
    { label: "to owner", allowed: ["owner"], prepare: async (world) => ({ userId: await freshUser(world, "admin") }), input: (_world, prepared) => ({ userId: prepared.userId, role: "owner" }) },
    { label: "an owner down", allowed: ["owner"], prepare: async (world) => ({ userId: await freshUser(world, "owner") }), input: (_world, prepared) => ({ userId: prepared.userId, role: "admin" }) },
  ],
  "members.deactivate": [
    { label: "a viewer", allowed: writers, prepare: async (world) => ({ userId: await freshUser(world, "viewer") }), input: (_world, prepared) => ({ userId: prepared.userId, revoke_keys: true }) },
    { label: "an owner", allowed: ["owner"], prepare: async (world) => ({ userId: await freshUser(world, "owner") }), input: (_world, prepared) => ({ userId: prepared.userId, revoke_keys: false }) },
  ],
  "members.reactivate": [{ allowed: writers, prepare: async (world) => ({ userId: await freshUser(world, "viewer", { isDeactivated: true }) }), input: (_world, prepared) => ({ userId: prepared.userId }) }],
  "audit.list": [
    { allowed: ["owner", "admin", "finance"], input: () => ({}) },
    { label: "filtered", allowed: ["owner", "admin", "finance"], input: (world) => ({ actor: world.actors.owner.email, action: "member.", source: "console", from: new Date(0) }) },
  ],
  "teams.list": [{ allowed: everyone }],
  "teams.get": [{ allowed: everyone, input: (world) => ({ id: world.teamId }) }],
  "teams.create": [{ allowed: writers, input: () => ({ name: unique("team") }) }],
  "teams.update": [{ allowed: writers, prepare: async (world) => ({ id: await freshTeam(world) }), input: (_world, prepared) => ({ id: prepared.id, patch: { name: unique("team") } }) }],
  "teams.delete": [{ allowed: writers, prepare: async (world) => ({ id: await freshTeam(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "teams.addMember": [{ allowed: writers, prepare: async (world) => ({ id: await freshTeam(world) }), input: (world, prepared) => ({ teamId: prepared.id, userId: world.actors.viewer.userId }) }],
  "teams.removeMember": [
    { allowed: writers, prepare: async (world) => ({ id: await freshTeam(world, [world.actors.viewer.userId!]) }), input: (world, prepared) => ({ teamId: prepared.id, userId: world.actors.viewer.userId }) },
  ],
  "rateLimits.list": [{ allowed: readers }],
  "rateLimits.limiterStatus": [{ allowed: readers }],
  "rateLimits.set": [
    { label: "a team's", allowed: writers, input: (world) => ({ scope: "team", scope_id: world.teamId, rpm: 100 }) },
    { label: "an end user's", allowed: writers, input: () => ({ scope: "user", scope_id: unique("end-user"), tpm: 1000, fail_mode: "closed" }) },
  ],
  "rateLimits.update": [{ allowed: writers, prepare: async (world) => ({ id: await freshRateLimit(world) }), input: (_world, prepared) => ({ id: prepared.id, patch: { rpm: 20 } }) }],
  "rateLimits.delete": [{ allowed: writers, prepare: async (world) => ({ id: await freshRateLimit(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "budgets.list": [{ allowed: readers }],
  "budgets.recentAlerts": [{ allowed: readers }],
  "budgets.get": [{ allowed: readers, prepare: async (world) => ({ id: await freshBudget(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "budgets.create": [
    { label: "a team's", allowed: budgetWriters, prepare: async (world) => ({ id: await freshTeam(world) }), input: (_world, prepared) => ({ scope: "team", scope_id: prepared.id, period: "monthly", limit_usd: "10.00", model: null }) },
    { label: "an end user's", allowed: budgetWriters, input: () => ({ scope: "user", scope_id: unique("end-user"), period: "daily", limit_usd: "1" }) },
  ],
  "budgets.update": [{ allowed: budgetWriters, prepare: async (world) => ({ id: await freshBudget(world) }), input: (_world, prepared) => ({ id: prepared.id, patch: { limit_usd: "7.5" } }) }],
  "budgets.delete": [{ allowed: budgetWriters, prepare: async (world) => ({ id: await freshBudget(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "groups.list": [{ allowed: everyone }],
  "groups.events": [{ allowed: everyone, input: () => ({ limit: 10 }) }],
  "groups.get": [{ allowed: everyone, prepare: async (world) => ({ id: await freshGroup(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "groups.create": [{ allowed: writers, input: (world) => ({ name: unique("group"), strategy: "priority", deployments: [{ id: "a", model: world.modelName }] }) }],
  "groups.update": [{ allowed: writers, prepare: async (world) => ({ id: await freshGroup(world) }), input: (_world, prepared) => ({ id: prepared.id, patch: { strategy: "lowest_cost" } }) }],
  "groups.restore": [{ allowed: writers, prepare: async (world) => ({ id: await freshGroup(world) }), input: (_world, prepared) => ({ id: prepared.id, version: 1 }) }],
  "groups.delete": [{ allowed: writers, prepare: async (world) => ({ id: await freshGroup(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "experiments.list": [{ allowed: everyone }],
  "experiments.get": [{ allowed: everyone, prepare: async (world) => ({ id: await freshExperiment(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "experiments.create": [{ allowed: writers, input: (world) => ({ name: unique("experiment"), model: world.modelName, variants: [{ name: "a", weight: 60, target: world.modelName }, { name: "b", weight: 40, target: world.modelName }] }) }],
  "experiments.results": [{ allowed: everyone, prepare: async (world) => ({ id: await freshExperiment(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "experiments.promote": [{ allowed: writers, prepare: async (world) => ({ id: await freshExperiment(world, "running") }), input: (_world, prepared) => ({ id: prepared.id, variant: "a" }) }],
  "experiments.rollback": [{ allowed: writers, prepare: async (world) => ({ id: await freshExperiment(world, "running") }), input: (_world, prepared) => ({ id: prepared.id, variant: "b" }) }],
  "experiments.update": [{ allowed: writers, prepare: async (world) => ({ id: await freshExperiment(world) }), input: (_world, prepared) => ({ id: prepared.id, changes: { weights: { a: 70, b: 30 } } }) }],
  "experiments.versions": [{ allowed: everyone, prepare: async (world) => ({ id: await freshExperiment(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "experiments.restore": [{ allowed: writers, prepare: async (world) => ({ id: await freshExperiment(world) }), input: (_world, prepared) => ({ id: prepared.id, version: 1 }) }],
  "experiments.setStatus": [{ allowed: writers, prepare: async (world) => ({ id: await freshExperiment(world) }), input: (_world, prepared) => ({ id: prepared.id, status: "stopped" }) }],
  "policies.list": [{ allowed: readers }],
  "policies.create": [
    { label: "a card block", allowed: writers, input: () => ({ name: unique("rule"), action: "block", conditions: { detectors: ["payment_card"] } }) },
    { label: "a reroute", allowed: writers, input: (world) => ({ name: unique("rule"), action: "reroute", target_model: world.modelName, conditions: { caller_regions: ["eu"] } }) },
  ],
  "policies.update": [{ allowed: writers, prepare: async (world) => ({ id: await freshPolicyRule(world) }), input: (_world, prepared) => ({ id: prepared.id, patch: { dry_run: true } }) }],
  "policies.delete": [{ allowed: writers, prepare: async (world) => ({ id: await freshPolicyRule(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "policies.reorder": [{ allowed: writers, prepare: async (world) => ({ ids: await reversedPolicyIds(world) }), input: (_world, prepared) => ({ ids: JSON.parse(prepared.ids) }) }],
  "policies.setResidency": [{ allowed: writers, input: () => ({ regions: ["eu"], caller_regions: ["eu"] }) }],
  "policies.replay": [{ allowed: readers, input: () => ({ days: 1 }) }],
  "reports.usage": [
    { allowed: ["owner", "admin", "finance"], input: () => ({ period: "last_month", group_by: "team" }) },
    { label: "by tag, custom range", allowed: ["owner", "admin", "finance"], input: () => ({ from: "2026-01-01", to: "2026-02-01", group_by: "tag" }) },
  ],
  "periods.list": [{ allowed: ["owner", "admin", "finance"] }],
  "exportSchedules.list": [{ allowed: ["owner", "admin", "finance"] }],
  "exportSchedules.get": [{ allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: await freshExportSchedule(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "exportSchedules.create": [{ allowed: ["owner", "admin", "finance"], input: () => ({ name: unique("export"), format: "focus", webhook_url: "http://127.0.0.1:9/export", enabled: false }) }],
  "exportSchedules.update": [{ allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: await freshExportSchedule(world) }), input: (_world, prepared) => ({ id: prepared.id, patch: { name: unique("export"), group_by: "model" } }) }],
  "exportSchedules.delete": [{ allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: await freshExportSchedule(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "exportSchedules.send": [{ allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: await freshExportSchedule(world) }), input: (_world, prepared) => ({ id: prepared.id, period: "2026-10" }) }],
  "periods.close": [{ allowed: ["owner", "admin", "finance"], prepare: async () => ({ month: freshMonth() }), input: (_world, prepared) => ({ month: prepared.month }) }],
  "periods.reopen": [{ allowed: ["owner"], prepare: async (world) => ({ month: await freshClosedMonth(world) }), input: (_world, prepared) => ({ month: prepared.month }) }],
  "models.orgPrices": [{ allowed: everyone, prepare: async (world) => ({ id: (await freshModel(world)).id }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "models.setOrgPrice": [
    { allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: (await freshModel(world)).id }), input: (_world, prepared) => ({ id: prepared.id, price: { input: "0.5", output: "1.5" } }) },
  ],
  "models.discounts": [{ allowed: everyone }],
  "models.setDiscount": [{ allowed: ["owner", "admin", "finance"], input: () => ({ provider: "anthropic", percent: "5", effective_from: "2099-01-01T00:00:00Z" }) }],
  "invoices.reconciliation": [{ allowed: ["owner", "admin", "finance"], input: () => ({ month: "2026-11" }) }],
  "costImports.overview": [{ allowed: ["owner", "admin", "finance"] }],
  "costImports.drift": [{ allowed: ["owner", "admin", "finance"], input: () => ({ month: "2026-11" }) }],
  "costImports.setSource": [{ allowed: ["owner", "admin", "finance"], input: () => ({ provider: "anthropic", admin_key: "sk-ant-admin01-matrix-0000", base_url: "http://127.0.0.1:9/v1" }) }],
  "costImports.setSettings": [{ allowed: ["owner", "admin", "finance"], input: () => ({ threshold_percent: "5", webhook_url: null }) }],
  "costImports.importNow": [{ allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: await freshCostSource(world) }), input: () => ({ provider: "openai" }) }],
  "invoices.record": [{ allowed: ["owner", "admin", "finance"], input: () => ({ month: "2026-11", provider: unique("p").toLowerCase(), total_usd: "12.50" }) }],
  "orgSettings.get": [{ allowed: everyone }],
  "orgSettings.update": [{ allowed: writers, input: () => ({ time_zone: "Europe/Paris" }) }],
  "orgSettings.cache": [{ allowed: everyone }],
  "orgSettings.setCache": [{ allowed: writers, input: () => ({ mode: "off", ttl_seconds: 600 }) }],
  "policies.test": [{ allowed: readers, input: () => ({ body: { model: "x", messages: [{ role: "user", content: "4111 1111 1111 1111" }] } }) }],
  "mcp.servers": [{ allowed: readers }],
  "mcp.createServer": [{ allowed: writers, input: () => ({ slug: unique("m").toLowerCase(), name: unique("m"), url: "http://127.0.0.1:9/mcp" }) }],
  "mcp.updateServer": [{ allowed: writers, prepare: async (world) => ({ id: await freshMcpServer(world) }), input: (_world, prepared) => ({ id: prepared.id, patch: { timeout_ms: 2_000 } }) }],
  "mcp.deleteServer": [{ allowed: writers, prepare: async (world) => ({ id: await freshMcpServer(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "mcp.testServer": [{ allowed: writers, prepare: async (world) => ({ id: await freshMcpServer(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "mcp.tools": [{ allowed: readers, prepare: async (world) => ({ id: await freshMcpServer(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "mcp.approveTool": [{ allowed: writers, prepare: async (world) => freshMcpTool(world), input: (_world, prepared) => ({ id: prepared.id, definition_hash: prepared.hash }) }],
  "mcp.revokeTool": [{ allowed: writers, prepare: async (world) => freshMcpTool(world), input: (_world, prepared) => ({ id: prepared.id }) }],
  "mcp.grants": [{ allowed: readers }],
  "mcp.createGrant": [{ allowed: writers, input: (world) => ({ subject: "team", subject_id: world.teamId, rpm: 5 }) }],
  "mcp.deleteGrant": [{ allowed: writers, prepare: async (world) => ({ id: await freshMcpGrant(world) }), input: (_world, prepared) => ({ id: prepared.id }) }],
  "mcp.activity": [{ allowed: readers }],
};

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let world: World;
const createCaller = createCallerFactory(appRouter);

beforeAll(async () => {
  process.env.GATEWAY_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  // No DNS here: the default OpenAI host is allow-listed by name; 127.0.0.1 for the unreachable test connection.
  process.env.GATEWAY_ALLOW_PRIVATE_HOSTS = "127.0.0.1,api.openai.com";
  process.env.UPSTREAM_CONNECT_TIMEOUT_MS = "1000";
  database = await createTestDatabase();
  // The process-wide handle ("Test connection" starts the gateway runtime on it) is this test database.
  await getDatabase({ databaseUrl: database.url, max: 5 });
  world = await buildWorld(database.handle.db);
});
afterAll(async () => {
  await stopMcpRuntime();
  await stopGatewayRuntime();
  await (await getDatabase()).close();
  await database?.drop();
});

function call(role: Role | null, path: string, input: unknown): Promise<unknown> {
  const caller = createCaller({ db: world.db, actor: role ? world.actors[role] : null });
  const procedure = path.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], caller) as (input: unknown) => Promise<unknown>;
  return procedure(input);
}

const procedures = Object.keys(appRouter._def.procedures).sort();

test("every procedure has a row in the matrix, and every row names a procedure", () => {
  expect(Object.keys(matrix).sort()).toEqual(procedures);
});

describe.each(procedures)("%s", (path) => {
  const cells = (matrix[path] ?? []).flatMap((cell) => roles.map((role) => ({ ...cell, role, isAllowed: cell.allowed.includes(role) })));

  test.each(cells.map((cell) => [`${cell.label ? `${cell.label}, ` : ""}${cell.role}: ${cell.isAllowed ? "allowed" : "FORBIDDEN"}`, cell] as const))("%s", async (_name, cell) => {
    const prepared = (await cell.prepare?.(world, cell.role)) ?? {};
    const input = cell.input?.(world, prepared, cell.role);
    if (cell.isAllowed) {
      await call(cell.role, path, input);
      return;
    }
    const before = await fingerprint(world.db);
    const error = await call(cell.role, path, input).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("FORBIDDEN");
    expect(await fingerprint(world.db)).toEqual(before);
  });

  test("signed out: UNAUTHORIZED", async () => {
    const cell = matrix[path]?.[0];
    const prepared = (await cell?.prepare?.(world, "owner")) ?? {};
    const before = await fingerprint(world.db);
    await expect(call(null, path, cell?.input?.(world, prepared, "owner"))).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await fingerprint(world.db)).toEqual(before);
  });
});
