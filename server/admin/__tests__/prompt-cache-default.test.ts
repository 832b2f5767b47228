/**
 * The org's prompt_cache_default and the catalog's 1-hour cache-write price, on the real PostgreSQL: a fresh bootstrap
 * with ANTHROPIC_API_KEY creates the Claude models with cache_write_1h at 2x input; turning the default off (audited)
 * gives the snapshot's catalog models prompt caching off, and turning it back on restores the automatic default.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { listAuditEntries } from "@/db/queries/audit";
import { findCurrentPrice, findModelByName } from "@/db/queries/models";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { FAKE_ANTHROPIC_API_KEY } from "@/e2e/fakes/anthropic-fake";
import { getOrgSettings, orgSettingsInputSchema, updateOrgSettings } from "@/server/admin/org-settings";
import type { Actor } from "@/server/admin/service-result";
import { syncEnvConnections } from "@/server/bootstrap";
import { readEnv } from "@/server/env";
import { loadSnapshot } from "@/server/gateway/config/load-snapshot";
import { toTarget } from "@/server/gateway/resolve-target";
import { adapters } from "@/server/providers";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let owner: Actor;
const encryptionKey = randomBytes(32);
const snapshotModel = async (name: string) => (await loadSnapshot(database.handle.db, encryptionKey, new Set(Object.keys(adapters)))).models.find((model) => model.name === name)!;

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.handle.db;
  owner = { orgId: await ensureDefaultOrg(db), id: "admin_key:env", role: "owner" };
  const variables = { ANTHROPIC_API_KEY: FAKE_ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL: "http://127.0.0.1:9/v1" };
  await syncEnvConnections(db, readEnv(variables as unknown as NodeJS.ProcessEnv), owner.orgId, encryptionKey);
});
afterAll(async () => database?.drop());

test("the catalog's Claude models carry the 1-hour cache-write price (2x input)", async () => {
  const db = database.handle.db;
  for (const [name, input, write5m, write1h] of [
    ["claude-sonnet-4-5", "3.000000", "3.750000", "6.000000"],
    ["claude-haiku-4-5", "1.000000", "1.250000", "2.000000"],
    ["claude-opus-4-5", "5.000000", "6.250000", "10.000000"],
  ]) {
    const model = await findModelByName(db, owner.orgId, name);
    expect(await findCurrentPrice(db, model!.id)).toMatchObject({ inputPerMtok: input, cacheWritePerMtok: write5m, cacheWrite1hPerMtok: write1h });
    expect((await snapshotModel(name)).prices[0]).toMatchObject({ cacheWrite1hPerMtok: write1h });
  }
});

test("prompt_cache_default off reaches the snapshot's catalog models, audited; auto restores the default", async () => {
  const db = database.handle.db;
  expect(await getOrgSettings(db, owner)).toMatchObject({ ok: true, value: { promptCacheDefault: "auto" } });
  expect(toTarget(await snapshotModel("claude-sonnet-4-5")).promptCache).toEqual({ mode: "auto", ttl: "5m", conversation: false });

  expect(await updateOrgSettings(db, owner, { prompt_cache_default: "off" })).toMatchObject({ ok: true, value: { promptCacheDefault: "off", timeZone: "UTC" } });
  expect(toTarget(await snapshotModel("claude-sonnet-4-5")).promptCache).toEqual({ mode: "off", ttl: "5m", conversation: false });
  const audit = await listAuditEntries(db, { orgId: owner.orgId, action: "org.update" }, { limit: 10 });
  expect(JSON.stringify(audit)).toContain('"promptCacheDefault":"off"');

  expect((await updateOrgSettings(db, owner, { prompt_cache_default: "auto" })).ok).toBe(true);
  expect((await snapshotModel("claude-sonnet-4-5")).promptCache).toBeUndefined();
});

test("a viewer cannot change it, and the input needs one of the two settings", async () => {
  expect(await updateOrgSettings(database.handle.db, { ...owner, role: "viewer" }, { prompt_cache_default: "off" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  expect(orgSettingsInputSchema.safeParse({}).success).toBe(false);
  expect(orgSettingsInputSchema.safeParse({ prompt_cache_default: "sometimes" }).success).toBe(false);
});
