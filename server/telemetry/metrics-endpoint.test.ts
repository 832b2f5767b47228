import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertUserWithRole } from "@/db/queries/users";
import type { Role } from "@/db/schema";
import { insertAdminToken } from "@/db/queries/admin-tokens";
import { issueToken } from "@/server/crypto/tokens";
import { readDatabasePool } from "./database-pool";
import { GatewayMetrics } from "./metrics";
import { createMetricsEndpoint } from "./metrics-endpoint";

const ADMIN_KEY = "metrics-test-admin-key-0123456789";
let database: Awaited<ReturnType<typeof createTestDatabase>>;
const servers: http.Server[] = [];
const tokens: Partial<Record<Role, string>> = {};

async function serve(options: Omit<Parameters<typeof createMetricsEndpoint>[0], "db">): Promise<string> {
  const handler = createMetricsEndpoint({ ...options, db: database.handle.db });
  const server = http.createServer((request, response) => void handler(request, response));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.handle.db;
  const orgId = await ensureDefaultOrg(db);
  for (const role of ["owner", "admin", "developer", "finance", "viewer"] as const) {
    const user = await insertUserWithRole(db, { email: `${role}@metrics.test`, passwordHash: "x", orgId, role });
    // A token of the member's own role, as the console makes it (server/admin/admin-tokens.ts).
    const issued = issueToken("mga");
    await insertAdminToken(db, { orgId, name: `${role}-scraper`, role, tokenPrefix: issued.prefix, tokenHash: issued.hash, createdBy: `user:${user.id}` });
    tokens[role] = issued.token;
  }
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await database.drop();
});

describe("GET /metrics on the main port", () => {
  let url: string;
  beforeAll(async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    metrics.requestStarted();
    url = await serve({ metrics, adminKey: ADMIN_KEY, requireToken: true });
  });

  test.each([
    ["no token", undefined, 401, "invalid_admin_token"],
    ["a wrong token", "Bearer not-a-token", 401, "invalid_admin_token"],
    ["a revoked-looking mga_ token", "Bearer mga_0000000000000000000000000000", 401, "invalid_admin_token"],
    ["a developer's token", () => `Bearer ${tokens.developer}`, 403, "forbidden"],
  ] as const)("%s is refused in the OpenAI error shape", async (_name, authorization, status, code) => {
    const header = typeof authorization === "function" ? authorization() : authorization;
    const response = await fetch(url, { headers: header ? { authorization: header } : {} });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: { message: expect.any(String), type: "invalid_request_error", code, param: null } });
  });

  test.each(["owner", "admin", "finance", "viewer"] as const)("%s's token reads the metrics", async (role) => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${tokens[role]}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    expect(await response.text()).toContain("modelgate_requests_in_flight 1");
  });

  test("GATEWAY_ADMIN_KEY reads them; other methods are refused", async () => {
    expect((await fetch(url, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status).toBe(200);
    const posted = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(posted.status).toBe(405);
    expect((await posted.json()).error.code).toBe("method_not_allowed");
  });
});

test("the METRICS_PORT listener serves without a token; with metrics off the path is a 404", async () => {
  const open = await serve({ metrics: new GatewayMetrics({ defaultMetrics: false }), requireToken: false });
  expect((await fetch(open)).status).toBe(200);
  const off = await serve({ metrics: undefined, adminKey: ADMIN_KEY, requireToken: true });
  const response = await fetch(off, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  expect(response.status).toBe(404);
  expect((await response.json()).error).toMatchObject({ code: "not_found", message: expect.stringContaining("METRICS_ENABLED") });
});

test("database pool use is this process's connections in pg_stat_activity", async () => {
  const read = readDatabasePool(database.handle);
  // Hold one connection busy while reading from another.
  // Drizzle queries run when awaited: then() starts this one now.
  const busy = database.handle.db.execute(sql`select pg_sleep(0.4)`).then(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const use = await read();
  await busy;
  expect(use?.max).toBe(5);
  expect(use?.connections.active).toBeGreaterThanOrEqual(1);
  expect((use?.connections.active ?? 0) + (use?.connections.idle ?? 0)).toBeLessThanOrEqual(5);
});

