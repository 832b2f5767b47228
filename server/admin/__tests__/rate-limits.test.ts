import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import { executeRows, listenConfigChanges } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { touchGatewayInstance } from "@/db/queries/gateway-instances";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertUserWithRole } from "@/db/queries/users";
import type { Role } from "@/db/schema";
import { createVirtualKey } from "@/server/admin/keys";
import { deleteRateLimit, getLimiterStatus, listRateLimits, setRateLimit, setRateLimitInputSchema, updateRateLimit } from "@/server/admin/rate-limits";
import type { Actor } from "@/server/admin/service-result";
import { createTeam } from "@/server/admin/teams";
import { loadSnapshot } from "@/server/gateway/config/load-snapshot";
import { createStaticConfigSource } from "@/server/gateway/config/config-source";
import { applicableLimits } from "@/server/gateway/rate-limit/rules";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orgId: string;
let admin: Actor;
let keyId: string;
let teamId: string;
const db = () => database.handle.db;

async function member(role: Role): Promise<Actor> {
  const user = await insertUserWithRole(db(), { email: `${role}-${crypto.randomUUID()}@limits.test`, passwordHash: "x", orgId, role });
  return { orgId, id: `user:${user.id}`, userId: user.id, role };
}

beforeAll(async () => {
  database = await createTestDatabase();
  orgId = await ensureDefaultOrg(db());
  admin = await member("admin");
  const team = await createTeam(db(), admin, { name: "search" });
  const key = await createVirtualKey(db(), admin, { name: "k", team_id: team.ok ? team.value.id : null });
  if (!team.ok || !key.ok) throw new Error("setup failed");
  teamId = team.value.id;
  keyId = key.value.id;
});
afterAll(async () => database?.drop());

describe("input", () => {
  test.each([
    [{ scope: "org", scope_id: "x", rpm: 1 }, "scope_id", "an org limit has no scope_id"],
    [{ scope: "key", scope_id: "k" }, "rpm", "set at least one of rpm, tpm, concurrency"],
    [{ scope: "team", rpm: 0 }, "rpm", "Too small: expected number to be >0"],
    [{ scope: "user", tpm: 1.5 }, "tpm", "Invalid input: expected int, received number"],
    [{ scope: "model", concurrency: 100_001 }, "concurrency", "Too big: expected number to be <=100000"],
    [{ scope: "user", rpm: 1, fail_mode: "maybe" }, "fail_mode", 'Invalid option: expected one of "open"|"closed"'],
    [{ scope: "everyone", rpm: 1 }, "scope", 'Invalid option: expected one of "org"|"key"|"team"|"user"|"model"'],
  ])("%j is refused on %s", (input, field, message) => {
    const parsed = setRateLimitInputSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({ path: [field], message });
  });

  test.each([
    ["key", "not-a-key"],
    ["key", crypto.randomUUID()],
    ["team", crypto.randomUUID()],
    ["model", "no-such-model"],
  ] as const)("a %s that does not exist (%s) is refused on scope_id", async (scope, scopeId) => {
    expect(await setRateLimit(db(), admin, { scope, scope_id: scopeId, rpm: 5 })).toEqual({
      ok: false,
      error: { code: "invalid", message: `scope_id names no ${scope} of the organization.`, field: "scope_id" },
    });
  });
});

describe("services", () => {
  test("set creates, then replaces the scope's limit; each change is audited and notified in its transaction", async () => {
    const notified: string[] = [];
    const unlisten = await listenConfigChanges(database.handle.raw, (what) => notified.push(what));
    const created = await setRateLimit(db(), admin, { scope: "key", scope_id: keyId, rpm: 60, tpm: 10_000 });
    expect(created).toMatchObject({ ok: true, value: { created: true, scope: "key", scopeId: keyId, rpm: 60, tpm: 10_000, concurrency: null, failMode: "open" } });
    const replaced = await setRateLimit(db(), admin, { scope: "key", scope_id: keyId, concurrency: 3, fail_mode: "closed" });
    expect(replaced).toMatchObject({ ok: true, value: { created: false, rpm: null, tpm: null, concurrency: 3, failMode: "closed" } });
    expect(created.ok && replaced.ok && created.value.id === replaced.value.id).toBe(true);
    const id = replaced.ok ? replaced.value.id : "";
    expect(await updateRateLimit(db(), admin, id, { rpm: 5, concurrency: null })).toMatchObject({ ok: true, value: { rpm: 5, concurrency: null } });
    expect(await updateRateLimit(db(), admin, id, { rpm: null })).toMatchObject({ ok: false, error: { code: "invalid", field: "rpm" } });
    expect(await deleteRateLimit(db(), admin, id)).toMatchObject({ ok: true });
    expect(await deleteRateLimit(db(), admin, id)).toMatchObject({ ok: false, error: { code: "not_found" } });
    const audit = await executeRows<{ action: string; actor: string; before: unknown; after: unknown }>(
      db(),
      sql`select action, actor, before, after from audit_log where target_type = 'rate_limit' and target_id = ${id} order by id`,
    );
    expect(audit.map((row) => row.action)).toEqual(["rate_limit.create", "rate_limit.update", "rate_limit.update", "rate_limit.delete"]);
    expect(audit.every((row) => row.actor === admin.id)).toBe(true);
    expect(audit[1]).toMatchObject({ before: { rpm: 60 }, after: { rpm: null, concurrency: 3, failMode: "closed" } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(notified.filter((what) => what === "rate_limits")).toHaveLength(4);
    await unlisten();
  });

  test("the gateway's snapshot carries the limits and picks a subject's own limit over its scope's default", async () => {
    await setRateLimit(db(), admin, { scope: "org", rpm: 1000 });
    await setRateLimit(db(), admin, { scope: "team", scope_id: teamId, tpm: 50_000 });
    await setRateLimit(db(), admin, { scope: "user", rpm: 10 });
    await setRateLimit(db(), admin, { scope: "user", scope_id: "vip", rpm: 100 });
    const config = createStaticConfigSource(await loadSnapshot(db(), Buffer.alloc(32, 7), new Set(["openai"])));
    const pick = (endUser: string) =>
      applicableLimits(config.findRateLimits(orgId), orgId, { keyId, teamId, endUser, model: null }).map(({ entry, subject }) => [entry.scope, subject, entry.rpm ?? entry.tpm]);
    expect(pick("someone")).toEqual([["org", orgId, 1000], ["team", teamId, 50_000], ["user", "someone", 10]]);
    expect(pick("vip")).toContainEqual(["user", "vip", 100]);
    expect(await listRateLimits(db(), admin, { scope: "user" })).toMatchObject({ ok: true, value: [{ scopeId: "vip" }, { scopeId: null }] });
  });

  test("limiter status warns when several gateways run without Redis", async () => {
    expect(await getLimiterStatus(db(), admin)).toEqual({ ok: true, value: { memory: 0, redis: 0, warning: null } });
    for (const id of ["a", "b"]) await touchGatewayInstance(db(), { id, hostname: id, limiter: "memory", startedAt: new Date() });
    await touchGatewayInstance(db(), { id: "c", hostname: "c", limiter: "redis", startedAt: new Date() });
    const status = await getLimiterStatus(db(), admin);
    expect(status).toMatchObject({ ok: true, value: { memory: 2, redis: 1 } });
    expect(status.ok && status.value.warning).toMatch(/^2 gateway processes run without REDIS_URL/);
  });

  test("a developer can neither read nor change limits", async () => {
    const developer = await member("developer");
    expect(await listRateLimits(db(), developer)).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await setRateLimit(db(), developer, { scope: "user", rpm: 1 })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });
});
