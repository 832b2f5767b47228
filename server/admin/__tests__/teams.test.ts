import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import { executeRows } from "@/db/client";
import { createStaticConfigSource } from "@/server/gateway/config/config-source";
import { loadSnapshot } from "@/server/gateway/config/load-snapshot";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertUsageRows } from "@/db/queries/usage-ledger";
import { insertUserWithRole } from "@/db/queries/users";
import type { Role } from "@/db/schema";
import { createVirtualKey, revokeVirtualKey, type CreateKeyInput } from "@/server/admin/keys";
import { deactivateMember } from "@/server/admin/members";
import { createModel } from "@/server/admin/models";
import { createProviderConnection } from "@/server/admin/providers";
import type { Actor } from "@/server/admin/service-result";
import { addTeamMember, createTeam, deleteTeam, getTeamDetail, listTeamsFor, removeTeamMember, updateTeam } from "@/server/admin/teams";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orgId: string;
let admin: Actor;
let developer: Actor;
let loner: Actor;
let searchTeam: string;
let openTeam: string;
let otherTeam: string;
let counter = 0;
const db = () => database.handle.db;

async function member(role: Role): Promise<Actor> {
  counter += 1;
  const user = await insertUserWithRole(db(), { email: `${role}-${counter}@teams.test`, passwordHash: "x", orgId, role });
  return { orgId, id: `user:${user.id}`, userId: user.id, role };
}

async function team(name: string, models: string[] | null): Promise<string> {
  const created = await createTeam(db(), admin, { name, allowed_models: models });
  if (!created.ok) throw new Error(created.error.message);
  return created.value.id;
}

beforeAll(async () => {
  process.env.GATEWAY_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  process.env.GATEWAY_ALLOW_PRIVATE_HOSTS = "api.openai.com";
  database = await createTestDatabase();
  orgId = await ensureDefaultOrg(db());
  admin = await member("admin");
  developer = await member("developer");
  loner = await member("developer");
  const connection = await createProviderConnection(db(), admin, { kind: "openai", name: "oa", api_key: "k" });
  if (!connection.ok) throw new Error("setup failed");
  for (const name of ["small", "large", "huge"]) {
    await createModel(db(), admin, { name, connection_id: connection.value.id, upstream_model: name, price: { input: "1", output: "1" } });
  }
  searchTeam = await team("search", ["small", "large"]);
  openTeam = await team("open", null);
  otherTeam = await team("other", ["huge"]);
  await addTeamMember(db(), admin, searchTeam, developer.userId!);
});
afterAll(async () => database?.drop());

describe("teams", () => {
  test("names are unique; allowed models must exist", async () => {
    expect(await createTeam(db(), admin, { name: "search" })).toMatchObject({ ok: false, error: { code: "conflict", field: "name" } });
    expect(await createTeam(db(), admin, { name: "typo", allowed_models: ["smal"] })).toMatchObject({ ok: false, error: { code: "invalid", field: "allowed_models" } });
    expect(await updateTeam(db(), admin, otherTeam, { name: "search" })).toMatchObject({ ok: false, error: { code: "conflict" } });
  });

  test.each([
    ["viewer", "forbidden"],
    ["finance", "forbidden"],
    ["developer", "forbidden"],
  ] as const)("a %s cannot create teams or change members", async (role, code) => {
    const actor = { ...admin, role };
    expect(await createTeam(db(), actor, { name: `x-${role}` })).toMatchObject({ ok: false, error: { code } });
    expect(await addTeamMember(db(), actor, openTeam, actor.userId!)).toMatchObject({ ok: false, error: { code } });
  });

  test("a member joins once; removing writes an audit row", async () => {
    const someone = await member("viewer");
    expect(await addTeamMember(db(), admin, openTeam, someone.userId!)).toMatchObject({ ok: true });
    expect(await addTeamMember(db(), admin, openTeam, someone.userId!)).toMatchObject({ ok: false, error: { code: "conflict" } });
    expect(await removeTeamMember(db(), admin, openTeam, someone.userId!)).toMatchObject({ ok: true });
    expect(await removeTeamMember(db(), admin, openTeam, someone.userId!)).toMatchObject({ ok: false, error: { code: "not_found" } });
    const audits = await executeRows<{ action: string }>(db(), sql`select action from audit_log where target_id = ${openTeam} order by id`);
    expect(audits.map((audit) => audit.action)).toEqual(["team.create", "team.add_member", "team.remove_member"]);
  });

  test("a developer lists and reads only their own teams", async () => {
    const listed = await listTeamsFor(db(), developer);
    expect(listed.ok && listed.value.map((entry) => entry.name)).toEqual(["search"]);
    expect(await getTeamDetail(db(), developer, otherTeam)).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await getTeamDetail(db(), developer, searchTeam)).toMatchObject({ ok: true, value: { name: "search", members: [{ id: developer.userId }] } });
  });
});

describe("keys within teams: field-level rules", () => {
  const cases: Array<[string, () => Actor, () => CreateKeyInput, { ok: true; models: string[] | null; team?: () => string | null; user?: () => string | null } | { ok: false; code: string; field?: string }]> = [
    ["a developer's key for their team takes the team's models", () => developer, () => ({ name: "k", team_id: searchTeam }), { ok: true, models: ["small", "large"], team: () => searchTeam, user: () => developer.userId! }],
    ["a developer picks within their team", () => developer, () => ({ name: "k", team_id: searchTeam, models: ["small"] }), { ok: true, models: ["small"] }],
    ["a developer asks for a model outside their team", () => developer, () => ({ name: "k", team_id: searchTeam, models: ["huge"] }), { ok: false, code: "forbidden" }],
    // A developer in a team creates keys under one of their teams, so its budgets and limits apply to every key.
    ["a developer in a team makes a key of their own", () => developer, () => ({ name: "k" }), { ok: false, code: "invalid", field: "team_id" }],
    ["a developer in no team may use every model", () => loner, () => ({ name: "k", models: ["huge"] }), { ok: true, models: ["huge"] }],
    ["a developer uses a team they are not in", () => developer, () => ({ name: "k", team_id: otherTeam }), { ok: false, code: "forbidden" }],
    ["a developer makes a key for another member", () => developer, () => ({ name: "k", user_id: loner.userId! }), { ok: false, code: "forbidden" }],
    ["a developer makes a key for nobody", () => developer, () => ({ name: "k", user_id: null }), { ok: false, code: "forbidden" }],
    ["an admin's team key outside the team's models", () => admin, () => ({ name: "k", team_id: searchTeam, models: ["huge"] }), { ok: false, code: "invalid", field: "models" }],
    ["an admin's team key belongs to no member by default", () => admin, () => ({ name: "k", team_id: openTeam }), { ok: true, models: null, team: () => openTeam, user: () => null }],
    ["an admin makes a key for a developer", () => admin, () => ({ name: "k", user_id: loner.userId! }), { ok: true, models: null, user: () => loner.userId! }],
    ["an admin's own key by default", () => admin, () => ({ name: "k" }), { ok: true, models: null, user: () => admin.userId! }],
    ["an unknown team", () => admin, () => ({ name: "k", team_id: "00000000-0000-4000-8000-000000000000" }), { ok: false, code: "invalid", field: "team_id" }],
    ["a finance member", () => ({ ...admin, role: "finance" as const }), () => ({ name: "k" }), { ok: false, code: "forbidden" }],
  ];

  test.each(cases)("%s", async (_label, actor, input, expected) => {
    const before = await executeRows<{ n: number }>(db(), sql`select (select count(*) from virtual_keys)::int + (select count(*) from audit_log)::int as n`);
    const result = await createVirtualKey(db(), actor(), input());
    if (expected.ok) {
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value.allowedModels).toEqual(expected.models);
      if (expected.team) expect(result.value.teamId).toBe(expected.team());
      if (expected.user) expect(result.value.userId).toBe(expected.user());
    } else {
      expect(result).toMatchObject({ ok: false, error: { code: expected.code, ...(expected.field ? { field: expected.field } : {}) } });
      const after = await executeRows<{ n: number }>(db(), sql`select (select count(*) from virtual_keys)::int + (select count(*) from audit_log)::int as n`);
      expect(after[0].n).toBe(before[0].n);
    }
  });

  test("a key for a deactivated member is refused", async () => {
    const gone = await member("developer");
    await deactivateMember(db(), admin, gone.userId!, { revoke_keys: true });
    expect(await createVirtualKey(db(), admin, { name: "k", user_id: gone.userId! })).toMatchObject({ ok: false, error: { code: "invalid", field: "user_id" } });
  });
});

describe("a team's page", () => {
  test("keys with their spend from the ledger, and the team's total; a developer sees their own keys' share", async () => {
    const fresh = await team(`spend-${counter}`, null);
    await addTeamMember(db(), admin, fresh, developer.userId!);
    const teamKey = await createVirtualKey(db(), admin, { name: "service", team_id: fresh });
    const devKey = await createVirtualKey(db(), developer, { name: "mine", team_id: fresh });
    if (!teamKey.ok || !devKey.ok) throw new Error("setup failed");
    const at = new Date();
    const row = (id: string, keyId: string, costUsd: string) => ({ id, orgId, teamId: fresh, keyId, endpoint: "/v1/chat/completions", status: "success", httpStatus: 200, latencyMs: 1, startedAt: at, endedAt: at, costUsd });
    await insertUsageRows(db(), [row("t1", teamKey.value.id, "0.000001000000"), row("t2", teamKey.value.id, "0.000002000000"), row("t3", devKey.value.id, "0.000000500000")]);

    const detail = await getTeamDetail(db(), admin, fresh);
    if (!detail.ok) throw new Error(detail.error.message);
    expect(detail.value.spend.costUsd).toBe("0.000003500000");
    expect(detail.value.keys.find((key) => key.id === teamKey.value.id)?.spend).toEqual({ costUsd: "0.000003000000", requests: 2 });
    const mine = await getTeamDetail(db(), developer, fresh);
    if (!mine.ok) throw new Error(mine.error.message);
    expect(mine.value.keys.map((key) => key.id)).toEqual([devKey.value.id]);
    expect(mine.value.spend).toMatchObject({ costUsd: "0.000000500000", isOwnKeysOnly: true });

    // Deleting waits for its keys to be revoked.
    expect(await deleteTeam(db(), admin, fresh)).toMatchObject({ ok: false, error: { code: "conflict" } });
    await revokeVirtualKey(db(), admin, teamKey.value.id);
    await revokeVirtualKey(db(), developer, devKey.value.id);
    expect(await deleteTeam(db(), admin, fresh)).toMatchObject({ ok: true });
    const [audit] = await executeRows<{ action: string; before: { memberIds: string[] } }>(db(), sql`select action, before from audit_log where target_id = ${fresh} order by id desc limit 1`);
    expect(audit).toMatchObject({ action: "team.delete", before: { memberIds: [developer.userId] } });
  });

  test("narrowing a team's models caps its existing keys at request time (in the snapshot), and widening it again restores them", async () => {
    const narrowing = await team("narrowing", ["small", "large"]);
    const wide = await createVirtualKey(db(), admin, { name: "team-wide", team_id: narrowing });
    const own = await createVirtualKey(db(), admin, { name: "own-list", team_id: narrowing, models: ["large"] });
    if (!wide.ok || !own.ok) throw new Error("setup failed");
    const modelsOf = async (prefix: string) => {
      const config = createStaticConfigSource(await loadSnapshot(db(), Buffer.alloc(32, 7), new Set(["openai"])));
      const allowed = config.findKey(prefix)?.allowedModels;
      return allowed ? [...allowed].filter((name) => !name.includes("/")).sort() : null;
    };
    expect(await modelsOf(wide.value.keyPrefix)).toEqual(["large", "small"]);
    expect(await modelsOf(own.value.keyPrefix)).toEqual(["large"]);
    expect(await updateTeam(db(), admin, narrowing, { allowed_models: ["small"] })).toMatchObject({ ok: true });
    expect(await modelsOf(wide.value.keyPrefix)).toEqual(["small"]);
    // The key's own list and the team's no longer overlap: the key may use no model.
    expect(await modelsOf(own.value.keyPrefix)).toEqual([]);
    expect(await updateTeam(db(), admin, narrowing, { allowed_models: null })).toMatchObject({ ok: true });
    expect(await modelsOf(own.value.keyPrefix)).toEqual(["large"]);
  });
});
