import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertUsageRows, type UsageRow } from "@/db/queries/usage-ledger";
import { insertUserWithRole } from "@/db/queries/users";
import { createVirtualKey, getKeyDetail, listVirtualKeys } from "@/server/admin/keys";
import { createModel, updateModel } from "@/server/admin/models";
import { isRoleWithin } from "@/server/admin/permissions";
import { createProviderConnection } from "@/server/admin/providers";
import type { Actor } from "@/server/admin/service-result";
import { findRequestFor, listRequestsFor, overviewFor } from "@/server/admin/usage";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let owner: Actor;
let developer: Actor;
let finance: Actor;
let ownKeyId: string;
let otherKeyId: string;

function ledgerRow(id: string, keyId: string, costUsd: string): UsageRow {
  const at = new Date();
  return { id, orgId: owner.orgId, keyId, endpoint: "/v1/chat/completions", status: "success", httpStatus: 200, latencyMs: 5, startedAt: at, endedAt: at, costUsd };
}

beforeAll(async () => {
  process.env.GATEWAY_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  process.env.GATEWAY_ALLOW_PRIVATE_HOSTS = "api.openai.com";
  database = await createTestDatabase();
  const orgId = await ensureDefaultOrg(database.handle.db);
  owner = { orgId, id: "admin_key:env", role: "owner" };
  const user = await insertUserWithRole(database.handle.db, { email: "dev@example.test", passwordHash: "x", orgId, role: "developer" });
  developer = { orgId, id: `user:${user.id}`, userId: user.id, role: "developer" };
  const financeUser = await insertUserWithRole(database.handle.db, { email: "fin@example.test", passwordHash: "x", orgId, role: "finance" });
  finance = { orgId, id: `user:${financeUser.id}`, userId: financeUser.id, role: "finance" };
  const own = await createVirtualKey(database.handle.db, developer, { name: "mine" });
  const other = await createVirtualKey(database.handle.db, owner, { name: "theirs" });
  if (!own.ok || !other.ok) throw new Error("setup failed");
  ownKeyId = own.value.id;
  otherKeyId = other.value.id;
  await insertUsageRows(database.handle.db, [ledgerRow("req_own", ownKeyId, "0.000001000000"), ledgerRow("req_other", otherKeyId, "0.000002000000")]);
});
afterAll(async () => database?.drop());

describe("a developer sees only their own keys and usage", () => {
  test("keys, requests, one request and the overview", async () => {
    expect((await listVirtualKeys(database.handle.db, developer)).ok && (await listVirtualKeys(database.handle.db, developer))).toMatchObject({ value: [{ id: ownKeyId }] });
    const page = await listRequestsFor(database.handle.db, developer, {}, { limit: 10 });
    expect(page.ok && page.value.rows.map((row) => row.id)).toEqual(["req_own"]);
    expect(await findRequestFor(database.handle.db, developer, "req_other")).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await findRequestFor(database.handle.db, developer, "req_own")).toMatchObject({ ok: true });
    const overview = await overviewFor(database.handle.db, developer, "1h");
    expect(overview).toMatchObject({ ok: true, value: { totals: { requests: 1, costUsd: "0.000001000000" }, isScopedToOwnKeys: true } });
  });

  test("a key's page: a developer reads their own key and its spend; another member's key is not found", async () => {
    expect(await getKeyDetail(database.handle.db, developer, ownKeyId)).toMatchObject({ ok: true, value: { id: ownKeyId, name: "mine", spend: { days: 30, costUsd: "0.000001000000", requests: 1 } } });
    expect(await getKeyDetail(database.handle.db, developer, otherKeyId)).toMatchObject({ ok: false, error: { code: "not_found" } });
    expect(await getKeyDetail(database.handle.db, finance, otherKeyId)).toMatchObject({ ok: true, value: { name: "theirs", spend: { costUsd: "0.000002000000", requests: 1 } } });
    const detail = await getKeyDetail(database.handle.db, owner, otherKeyId);
    expect(detail.ok && Object.keys(detail.value).some((field) => /hash/i.test(field))).toBe(false);
  });

  test("finance and owners see every key's rows", async () => {
    const page = await listRequestsFor(database.handle.db, finance, {}, { limit: 10 });
    expect(page.ok && page.value.rows.map((row) => row.id).sort()).toEqual(["req_other", "req_own"]);
    expect(await overviewFor(database.handle.db, owner, "1h")).toMatchObject({ ok: true, value: { totals: { requests: 2, costUsd: "0.000003000000" }, isScopedToOwnKeys: false } });
  });

  test("a developer with no keys sees nothing (not everything)", async () => {
    const user = await insertUserWithRole(database.handle.db, { email: "new-dev@example.test", passwordHash: "x", orgId: owner.orgId, role: "developer" });
    const fresh: Actor = { orgId: owner.orgId, id: `user:${user.id}`, userId: user.id, role: "developer" };
    const page = await listRequestsFor(database.handle.db, fresh, {}, { limit: 10 });
    expect(page.ok && page.value.rows).toEqual([]);
  });
});

describe("finance edits prices only", () => {
  test.each([
    ["a price", { price: { input: "1", output: "2" } }, true],
    ["a price and a field", { price: { input: "1", output: "2" }, enabled: false }, false],
    ["a field", { upstream_model: "other" }, false],
  ])("finance changing %s", async (_label, patch, isAllowed) => {
    const connection = await createProviderConnection(database.handle.db, owner, { kind: "openai", name: `oa-${Math.random()}`, api_key: "k" });
    if (!connection.ok) throw new Error("setup failed");
    const model = await createModel(database.handle.db, owner, { name: `m-${Math.random()}`, connection_id: connection.value.id, upstream_model: "gpt-4o-mini", price: { input: "0.1", output: "0.2" } });
    if (!model.ok) throw new Error("setup failed");
    const result = await updateModel(database.handle.db, finance, model.value.id, patch);
    expect(result.ok).toBe(isAllowed);
    if (!result.ok) expect(result.error).toMatchObject({ code: "forbidden", message: "Your role can change prices only." });
  });
});

describe("roles within roles", () => {
  test.each([
    ["admin", "owner", true],
    ["owner", "admin", false],
    ["admin", "admin", true],
    ["developer", "admin", true],
    ["finance", "developer", false],
    ["developer", "finance", false],
    ["viewer", "finance", true],
    ["viewer", "developer", false], // a viewer reads the whole org; a developer only their own
  ] as const)("%s within %s: %s", (granted, granter, expected) => {
    expect(isRoleWithin(granted, granter)).toBe(expected);
  });
});
