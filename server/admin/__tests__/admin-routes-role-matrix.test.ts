/**
 * Every admin REST route × every role (an `mga_` token of that role, made by a member of that
 * role), against the real PostgreSQL: exactly the allowed cells answer 2xx; every other cell is
 * 403 and changes no row of any table. The routes are found by walking app/api/admin, so a new
 * route file or method without a row here fails.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { getDatabase } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import type { Role } from "@/db/schema";
import { stopGatewayRuntime } from "@/server/gateway/runtime";
import { stopMcpRuntime } from "@/server/mcp/runtime";
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
} from "./matrix-world";

type Prepared = Record<string, string>;
type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface Cell {
  label?: string;
  allowed: readonly Role[];
  prepare?: (world: World, role: Role) => Promise<Prepared>;
  /** Values for the path's [segments]. */
  params?: (world: World, prepared: Prepared) => Record<string, string>;
  body?: (world: World, prepared: Prepared) => unknown;
  /** A query string for the URL. */
  query?: string;
}

const price = { input: "1", output: "2" };
const id = (_world: World, prepared: Prepared) => ({ id: prepared.id });

const matrix: Record<string, Cell[]> = {
  "GET /api/admin/keys": [{ allowed: everyone }],
  "GET /api/admin/keys/[id]": [{ allowed: everyone, params: (world) => ({ id: world.keyId }) }],
  "POST /api/admin/keys": [
    { label: "own key in their team", allowed: ["owner", "admin", "developer"], body: (world) => ({ name: unique("k"), team_id: world.teamId }) },
    { label: "for another member", allowed: writers, body: (world) => ({ name: unique("k"), user_id: world.actors.viewer.userId }) },
  ],
  "DELETE /api/admin/keys/[id]": [
    { label: "own key", allowed: ["owner", "admin", "developer"], prepare: async (world, role) => ({ id: await freshKey(world, { userId: world.actors[role].userId }) }), params: id },
    { label: "someone else's key", allowed: writers, prepare: async (world) => ({ id: await freshKey(world, { userId: world.actors.viewer.userId }) }), params: id },
  ],
  "GET /api/admin/providers": [{ allowed: everyone }],
  "POST /api/admin/providers": [{ allowed: writers, body: () => ({ kind: "openai", name: unique("p"), api_key: "sk-matrix" }) }],
  "PATCH /api/admin/providers/[id]": [{ allowed: writers, prepare: async (world) => ({ id: await freshConnection(world) }), params: id, body: () => ({ name: unique("p") }) }],
  "POST /api/admin/providers/[id]/test": [{ allowed: writers, params: (world) => ({ id: world.unreachableConnectionId }) }],
  "GET /api/admin/models": [{ allowed: everyone }],
  "POST /api/admin/models": [{ allowed: writers, body: (world) => ({ name: unique("m"), connection_id: world.connectionId, upstream_model: "gpt-4o-mini", price }) }],
  "PATCH /api/admin/models/[id]": [
    { label: "a price", allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: (await freshModel(world)).id }), params: id, body: () => ({ price }) },
    { label: "a field", allowed: writers, prepare: async (world) => ({ id: (await freshModel(world)).id }), params: id, body: () => ({ enabled: false }) },
  ],
  "GET /api/admin/requests": [{ allowed: everyone }],
  "GET /api/admin/requests/[id]": [{ allowed: everyone, params: (world) => ({ id: world.requestId }) }],
  "GET /api/admin/audit": [
    { allowed: ["owner", "admin", "finance"] },
    { label: "CSV", allowed: ["owner", "admin", "finance"], query: "?format=csv&action=key." },
  ],
  "GET /api/admin/members": [{ allowed: readers }],
  "POST /api/admin/members": [
    { label: "a viewer", allowed: writers, body: () => ({ email: `${unique("new")}@matrix.test`, role: "viewer" }) },
    { label: "an owner", allowed: ["owner"], body: () => ({ email: `${unique("new")}@matrix.test`, role: "owner" }) },
  ],
  "PATCH /api/admin/members/[id]": [
    { label: "viewer to finance", allowed: writers, prepare: async (world) => ({ id: await freshUser(world, "viewer") }), params: id, body: () => ({ role: "finance" }) },
    { label: "to owner", allowed: ["owner"], prepare: async (world) => ({ id: await freshUser(world, "admin") }), params: id, body: () => ({ role: "owner" }) },
    { label: "an owner down", allowed: ["owner"], prepare: async (world) => ({ id: await freshUser(world, "owner") }), params: id, body: () => ({ role: "viewer" }) },
  ],
  "POST /api/admin/members/[id]/deactivate": [
    { label: "a viewer", allowed: writers, prepare: async (world) => ({ id: await freshUser(world, "viewer") }), params: id, body: () => ({ revoke_keys: false }) },
    { label: "an owner", allowed: ["owner"], prepare: async (world) => ({ id: await freshUser(world, "owner") }), params: id, body: () => ({ revoke_keys: true }) },
  ],
  "POST /api/admin/members/[id]/reactivate": [{ allowed: writers, prepare: async (world) => ({ id: await freshUser(world, "viewer", { isDeactivated: true }) }), params: id }],
  "GET /api/admin/invitations": [{ allowed: readers }],
  "DELETE /api/admin/invitations/[id]": [{ allowed: writers, prepare: async (world) => ({ id: await freshInvitation(world, "viewer") }), params: id }],
  "GET /api/admin/teams": [{ allowed: everyone }],
  "POST /api/admin/teams": [{ allowed: writers, body: () => ({ name: unique("team") }) }],
  "GET /api/admin/teams/[id]": [{ allowed: everyone, params: (world) => ({ id: world.teamId }) }],
  "PATCH /api/admin/teams/[id]": [{ allowed: writers, prepare: async (world) => ({ id: await freshTeam(world) }), params: id, body: () => ({ allowed_models: null }) }],
  "DELETE /api/admin/teams/[id]": [{ allowed: writers, prepare: async (world) => ({ id: await freshTeam(world) }), params: id }],
  "POST /api/admin/teams/[id]/members": [{ allowed: writers, prepare: async (world) => ({ id: await freshTeam(world) }), params: id, body: (world) => ({ user_id: world.actors.viewer.userId }) }],
  "DELETE /api/admin/teams/[id]/members/[userId]": [
    { allowed: writers, prepare: async (world) => ({ id: await freshTeam(world, [world.actors.viewer.userId!]) }), params: (world, prepared) => ({ id: prepared.id, userId: world.actors.viewer.userId! }) },
  ],
  "GET /api/admin/rate-limits": [{ allowed: readers }],
  "POST /api/admin/rate-limits": [
    { label: "a team's", allowed: writers, body: (world) => ({ scope: "team", scope_id: world.teamId, rpm: 100 }) },
    { label: "an end user's", allowed: writers, body: () => ({ scope: "user", scope_id: unique("end-user"), tpm: 1000, fail_mode: "closed" }) },
  ],
  "PATCH /api/admin/rate-limits/[id]": [{ allowed: writers, prepare: async (world) => ({ id: await freshRateLimit(world) }), params: id, body: () => ({ concurrency: 4 }) }],
  "DELETE /api/admin/rate-limits/[id]": [{ allowed: writers, prepare: async (world) => ({ id: await freshRateLimit(world) }), params: id }],
  "GET /api/admin/budgets": [{ allowed: readers }],
  "POST /api/admin/budgets": [
    { label: "a team's", allowed: budgetWriters, prepare: async (world) => ({ id: await freshTeam(world) }), body: (_world, prepared) => ({ scope: "team", scope_id: prepared.id, period: "monthly", limit_usd: "10.00" }) },
    { label: "an end user's", allowed: budgetWriters, body: () => ({ scope: "user", scope_id: unique("end-user"), period: "weekly", limit_usd: "2", alert_thresholds: [0.8] }) },
  ],
  "GET /api/admin/budgets/[id]": [{ allowed: readers, prepare: async (world) => ({ id: await freshBudget(world) }), params: id }],
  "PATCH /api/admin/budgets/[id]": [{ allowed: budgetWriters, prepare: async (world) => ({ id: await freshBudget(world) }), params: id, body: () => ({ limit_usd: "3" }) }],
  "DELETE /api/admin/budgets/[id]": [{ allowed: budgetWriters, prepare: async (world) => ({ id: await freshBudget(world) }), params: id }],
  "GET /api/admin/groups": [{ allowed: everyone }],
  "GET /api/admin/routing-events": [{ allowed: everyone }],
  "POST /api/admin/groups": [{ allowed: writers, body: (world) => ({ name: unique("group"), deployments: [{ id: "a", model: world.modelName, weight: 2 }] }) }],
  "GET /api/admin/groups/[id]": [{ allowed: everyone, prepare: async (world) => ({ id: await freshGroup(world) }), params: id }],
  "PATCH /api/admin/groups/[id]": [{ allowed: writers, prepare: async (world) => ({ id: await freshGroup(world) }), params: id, body: () => ({ strategy: "least_in_flight" }) }],
  "DELETE /api/admin/groups/[id]": [{ allowed: writers, prepare: async (world) => ({ id: await freshGroup(world) }), params: id }],
  "GET /api/admin/groups/[id]/versions": [{ allowed: everyone, prepare: async (world) => ({ id: await freshGroup(world) }), params: id }],
  "POST /api/admin/groups/[id]/restore": [{ allowed: writers, prepare: async (world) => ({ id: await freshGroup(world) }), params: id, body: () => ({ version: 1 }) }],
  "GET /api/admin/experiments": [{ allowed: everyone }],
  "POST /api/admin/experiments": [{ allowed: writers, body: (world) => ({ name: unique("experiment"), model: world.modelName, variants: [{ name: "a", weight: 50, target: world.modelName }, { name: "b", weight: 50, target: world.modelName }] }) }],
  "GET /api/admin/experiments/[id]": [{ allowed: everyone, prepare: async (world) => ({ id: await freshExperiment(world) }), params: id }],
  "GET /api/admin/experiments/[id]/results": [{ allowed: everyone, prepare: async (world) => ({ id: await freshExperiment(world) }), params: id }],
  "POST /api/admin/experiments/[id]/promote": [{ allowed: writers, prepare: async (world) => ({ id: await freshExperiment(world, "running") }), params: id, body: () => ({ variant: "a" }) }],
  "POST /api/admin/experiments/[id]/rollback": [{ allowed: writers, prepare: async (world) => ({ id: await freshExperiment(world, "running") }), params: id, body: () => ({ variant: "b", reason: "matrix" }) }],
  "PATCH /api/admin/experiments/[id]": [{ allowed: writers, prepare: async (world) => ({ id: await freshExperiment(world) }), params: id, body: () => ({ weights: { a: 70, b: 30 } }) }],
  "GET /api/admin/experiments/[id]/versions": [{ allowed: everyone, prepare: async (world) => ({ id: await freshExperiment(world) }), params: id }],
  "POST /api/admin/experiments/[id]/restore": [{ allowed: writers, prepare: async (world) => ({ id: await freshExperiment(world) }), params: id, body: () => ({ version: 1 }) }],
  "POST /api/admin/experiments/[id]/status": [{ allowed: writers, prepare: async (world) => ({ id: await freshExperiment(world) }), params: id, body: () => ({ status: "stopped" }) }],
  "GET /api/admin/policies": [{ allowed: readers }],
  "POST /api/admin/policies": [{ allowed: writers, body: () => ({ name: unique("rule"), action: "block", conditions: { detectors: ["payment_card"] } }) }],
  "PATCH /api/admin/policies/[id]": [{ allowed: writers, prepare: async (world) => ({ id: await freshPolicyRule(world) }), params: id, body: () => ({ enabled: false }) }],
  "DELETE /api/admin/policies/[id]": [{ allowed: writers, prepare: async (world) => ({ id: await freshPolicyRule(world) }), params: id }],
  "POST /api/admin/policies/reorder": [{ allowed: writers, prepare: async (world) => ({ ids: await reversedPolicyIds(world) }), body: (_world, prepared) => ({ ids: JSON.parse(prepared.ids) }) }],
  "PUT /api/admin/policies/residency": [{ allowed: writers, body: () => ({ regions: ["eu"] }) }],
  "GET /api/admin/cache": [{ allowed: ["owner", "admin", "finance", "developer", "viewer"] }],
  "PUT /api/admin/cache": [{ allowed: writers, body: () => ({ mode: "off", ttl_seconds: 600 }) }],
  "POST /api/admin/policies/replay": [{ allowed: readers, body: () => ({ days: 1 }) }],
  "GET /api/admin/reports/usage": [
    { allowed: ["owner", "admin", "finance"], query: "?period=last_month&group_by=team" },
    { label: "CSV", allowed: ["owner", "admin", "finance"], query: "?month=2026-01&group_by=model&format=csv" },
    { label: "FOCUS", allowed: ["owner", "admin", "finance"], query: "?from=2026-01-01&to=2026-01-08&format=focus" },
  ],
  "GET /api/admin/periods": [{ allowed: ["owner", "admin", "finance"] }],
  "GET /api/admin/export-schedules": [{ allowed: ["owner", "admin", "finance"] }],
  "POST /api/admin/export-schedules": [{ allowed: ["owner", "admin", "finance"], body: () => ({ name: unique("export"), format: "csv", group_by: "tag", webhook_url: "http://127.0.0.1:9/export", enabled: false }) }],
  "GET /api/admin/export-schedules/[id]": [{ allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: await freshExportSchedule(world) }), params: id }],
  "PATCH /api/admin/export-schedules/[id]": [{ allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: await freshExportSchedule(world) }), params: id, body: () => ({ name: unique("export") }) }],
  "DELETE /api/admin/export-schedules/[id]": [{ allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: await freshExportSchedule(world) }), params: id }],
  "GET /api/admin/export-schedules/[id]/deliveries": [{ allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: await freshExportSchedule(world) }), params: id }],
  "POST /api/admin/export-schedules/[id]/send": [{ allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: await freshExportSchedule(world) }), params: id, body: () => ({ period: "2026-10" }) }],
  "POST /api/admin/periods/[month]/close": [{ allowed: ["owner", "admin", "finance"], prepare: async () => ({ month: freshMonth() }), params: (_world, prepared) => ({ month: prepared.month }) }],
  "POST /api/admin/periods/[month]/reopen": [{ allowed: ["owner"], prepare: async (world) => ({ month: await freshClosedMonth(world) }), params: (_world, prepared) => ({ month: prepared.month }) }],
  "GET /api/admin/models/[id]/org-prices": [{ allowed: everyone, prepare: async (world) => ({ id: (await freshModel(world)).id }), params: id }],
  "POST /api/admin/models/[id]/org-prices": [
    { allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: (await freshModel(world)).id }), params: id, body: () => ({ input: "0.5", output: "1.5" }) },
    { label: "clear", allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: (await freshModel(world)).id }), params: id, body: () => ({ clear: true }) },
  ],
  "GET /api/admin/discounts": [{ allowed: everyone }],
  "POST /api/admin/discounts": [{ allowed: ["owner", "admin", "finance"], body: () => ({ provider: "anthropic", percent: "7.5", effective_from: "2099-01-01T00:00:00Z" }) }],
  "GET /api/admin/invoices": [{ allowed: ["owner", "admin", "finance"], query: "?month=2026-11" }],
  "GET /api/admin/cost-imports": [{ allowed: ["owner", "admin", "finance"] }],
  "POST /api/admin/cost-imports/sources": [{ allowed: ["owner", "admin", "finance"], body: () => ({ provider: "anthropic", admin_key: "sk-ant-admin01-matrix-0000", base_url: "http://127.0.0.1:9/v1", lookback_days: 3 }) }],
  "POST /api/admin/cost-imports/settings": [{ allowed: ["owner", "admin", "finance"], body: () => ({ threshold_percent: "7.5", webhook_url: null }) }],
  "POST /api/admin/cost-imports/import": [{ allowed: ["owner", "admin", "finance"], prepare: async (world) => ({ id: await freshCostSource(world) }), body: () => ({ provider: "openai" }) }],
  "GET /api/admin/cost-imports/drift": [{ allowed: ["owner", "admin", "finance"], query: "?month=2026-11" }],
  "POST /api/admin/invoices": [{ allowed: ["owner", "admin", "finance"], body: () => ({ month: "2026-11", provider: unique("p").toLowerCase(), total_usd: "99.123456789012", invoice_number: "INV-1" }) }],
  "POST /api/admin/policies/test": [{ allowed: readers, body: () => ({ body: { model: "x", input: "a@b.io" } }) }],
  "GET /api/admin/mcp-servers": [{ allowed: readers }],
  "POST /api/admin/mcp-servers": [{ allowed: writers, body: () => ({ slug: unique("m").toLowerCase(), name: unique("m"), url: "http://127.0.0.1:9/mcp" }) }],
  "GET /api/admin/mcp-servers/[id]": [{ allowed: readers, prepare: async (world) => ({ id: await freshMcpServer(world) }), params: id }],
  "PATCH /api/admin/mcp-servers/[id]": [{ allowed: writers, prepare: async (world) => ({ id: await freshMcpServer(world) }), params: id, body: () => ({ timeout_ms: 2_000 }) }],
  "DELETE /api/admin/mcp-servers/[id]": [{ allowed: writers, prepare: async (world) => ({ id: await freshMcpServer(world) }), params: id }],
  "POST /api/admin/mcp-servers/[id]/test": [{ allowed: writers, prepare: async (world) => ({ id: await freshMcpServer(world) }), params: id }],
  "GET /api/admin/mcp-servers/[id]/tools": [{ allowed: readers, prepare: async (world) => ({ id: await freshMcpServer(world) }), params: id }],
  "POST /api/admin/mcp-tools/[id]/approve": [{ allowed: writers, prepare: async (world) => freshMcpTool(world), params: id, body: (_world, prepared) => ({ definition_hash: prepared.hash }) }],
  "POST /api/admin/mcp-tools/[id]/revoke": [{ allowed: writers, prepare: async (world) => freshMcpTool(world), params: id }],
  "GET /api/admin/mcp-grants": [{ allowed: readers }],
  "POST /api/admin/mcp-grants": [{ allowed: writers, body: (world) => ({ subject: "team", subject_id: world.teamId, tool: "*", rpm: 10, cost_per_call_usd: "0.001" }) }],
  "DELETE /api/admin/mcp-grants/[id]": [{ allowed: writers, prepare: async (world) => ({ id: await freshMcpGrant(world) }), params: id }],
  "GET /api/admin/mcp-calls": [{ allowed: readers }],
};

const adminDir = path.resolve(import.meta.dirname, "../../../app/api/admin");
const methods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** "METHOD /api/admin/…" for every exported method of every route.ts under app/api/admin. */
async function discoverRoutes(): Promise<Map<string, RouteHandler>> {
  const routes = new Map<string, RouteHandler>();
  const files = (readdirSync(adminDir, { recursive: true }) as string[]).filter((file) => file.endsWith("route.ts")).sort();
  for (const file of files) {
    const exported = (await import(path.join(adminDir, file))) as Record<string, unknown>;
    const routePath = `/api/admin/${path.dirname(file).split(path.sep).join("/")}`;
    for (const method of methods) if (typeof exported[method] === "function") routes.set(`${method} ${routePath}`, exported[method] as RouteHandler);
  }
  return routes;
}

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let world: World;
let routes: Map<string, RouteHandler>;
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  process.env.GATEWAY_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  process.env.GATEWAY_ALLOW_PRIVATE_HOSTS = "127.0.0.1,api.openai.com";
  process.env.UPSTREAM_CONNECT_TIMEOUT_MS = "1000";
  delete process.env.GATEWAY_ADMIN_KEY;
  database = await createTestDatabase();
  // adminRoute reads the process-wide handle: make it this test database.
  await getDatabase({ databaseUrl: database.url, max: 5 });
  world = await buildWorld(database.handle.db);
  for (const role of roles) tokens[role] = (await freshAdminToken(world, role, world.actors[role].userId!)).token;
  routes = await discoverRoutes();
});
afterAll(async () => {
  await stopMcpRuntime();
  await stopGatewayRuntime();
  await (await getDatabase()).close();
  await database?.drop();
});

async function send(key: string, cell: Cell, prepared: Prepared, token: string | null): Promise<Response> {
  const [method, template] = key.split(" ");
  const params = cell.params?.(world, prepared) ?? {};
  const url = `http://modelgate.test${template.replace(/\[(\w+)\]/g, (_match, name: string) => params[name])}${cell.query ?? ""}`;
  const body = cell.body?.(world, prepared);
  const headers: Record<string, string> = { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const request = new Request(url, { method, headers, body: body === undefined ? (method === "GET" || method === "DELETE" ? undefined : "{}") : JSON.stringify(body) });
  return routes.get(key)!(request, { params: Promise.resolve(params) });
}

test("every admin route has a row in the matrix, and every row names a route", () => {
  expect(Object.keys(matrix).sort()).toEqual([...routes.keys()].sort());
});

describe.each(Object.keys(matrix).sort())("%s", (key) => {
  const cells = matrix[key].flatMap((cell) => roles.map((role) => ({ cell, role, isAllowed: cell.allowed.includes(role) })));

  test.each(cells.map((entry) => [`${entry.cell.label ? `${entry.cell.label}, ` : ""}${entry.role}: ${entry.isAllowed ? "allowed" : "403"}`, entry] as const))("%s", async (_name, { cell, role, isAllowed }) => {
    const prepared = (await cell.prepare?.(world, role)) ?? {};
    if (isAllowed) {
      const response = await send(key, cell, prepared, tokens[role]);
      expect(response.status, await response.clone().text()).toBeLessThan(300);
      return;
    }
    const before = await fingerprint(world.db);
    const response = await send(key, cell, prepared, tokens[role]);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: "forbidden" } });
    expect(await fingerprint(world.db)).toEqual(before);
  });

  test("no token: 401", async () => {
    const cell = matrix[key][0];
    const prepared = (await cell.prepare?.(world, "owner")) ?? {};
    const before = await fingerprint(world.db);
    expect((await send(key, cell, prepared, null)).status).toBe(401);
    expect(await fingerprint(world.db)).toEqual(before);
  });
});
