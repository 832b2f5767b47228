import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { insertModel } from "@/db/queries/models";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertConnection } from "@/db/queries/provider-connections";
import { insertUserWithRole } from "@/db/queries/users";
import { sql } from "drizzle-orm";
import { executeRows } from "@/db/client";
import type { Role } from "@/db/schema";
import { createVirtualKey } from "@/server/admin/keys";
import { cacheSettingsInputSchema, getCacheSettings, setCacheSettings } from "@/server/admin/response-cache";
import type { Actor } from "@/server/admin/service-result";
import { loadSnapshot } from "@/server/gateway/config/load-snapshot";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orgId: string;
let admin: Actor;
const db = () => database.handle.db;

async function member(role: Role): Promise<Actor> {
  const user = await insertUserWithRole(db(), { email: `${role}-${crypto.randomUUID()}@cache.test`, passwordHash: "x", orgId, role });
  return { orgId, id: `user:${user.id}`, userId: user.id, role };
}

beforeAll(async () => {
  database = await createTestDatabase();
  orgId = await ensureDefaultOrg(db());
  admin = await member("admin");
});
afterAll(async () => database?.drop());

const keyCache = async (keyId: string) => (await loadSnapshot(db(), Buffer.alloc(32), new Set(["openai"]))).keys.find((key) => key.id === keyId)?.cache;

describe("response cache settings", () => {
  test("off by default: no key gets a cache", async () => {
    expect(await getCacheSettings(db(), admin)).toEqual({ ok: true, value: { mode: "off", ttl_seconds: 3600, semantic: null } });
    const key = await createVirtualKey(db(), admin, { name: "plain" });
    expect(key.ok && (await keyCache(key.value.id))).toBeUndefined();
  });

  test("the org default reaches every key's snapshot entry; a key's own mode wins over it", async () => {
    expect(await setCacheSettings(db(), admin, { mode: "org", ttl_seconds: 120 })).toEqual({ ok: true, value: { mode: "org", ttl_seconds: 120, semantic: null } });
    const inherits = await createVirtualKey(db(), admin, { name: "inherits" });
    const ownEntries = await createVirtualKey(db(), admin, { name: "per key", response_cache: "key" });
    const optedOut = await createVirtualKey(db(), admin, { name: "opted out", response_cache: "off" });
    if (!inherits.ok || !ownEntries.ok || !optedOut.ok) throw new Error("keys not created");
    expect(await keyCache(inherits.value.id)).toEqual({ scope: "org", ttlSeconds: 120 });
    expect(await keyCache(ownEntries.value.id)).toEqual({ scope: "key", ttlSeconds: 120 });
    expect(await keyCache(optedOut.value.id)).toBeUndefined();
  });

  test("changes are audited", async () => {
    await setCacheSettings(db(), admin, { mode: "key" });
    const entries = await executeRows<{ after: { mode: string } }>(db(), sql`select after from audit_log where org_id = ${orgId} and action = 'response_cache.update' order by created_at desc limit 1`);
    expect(entries[0]?.after).toEqual({ mode: "key", ttl_seconds: 120, semantic: null });
  });

  test("the semantic cache names an embeddings model of the org; it reaches the keys' entries and is kept when omitted", async () => {
    expect(await setCacheSettings(db(), admin, { mode: "org", semantic: { model: "nope", threshold: 0.95 } })).toMatchObject({ ok: false, error: { code: "invalid", field: "semantic.model" } });
    const connection = await insertConnection(db(), { orgId, kind: "openai", name: "openai", baseUrl: "https://api.openai.com/v1", source: "console" });
    await insertModel(db(), { orgId, name: "embed-small", connectionId: connection.id, upstreamModel: "text-embedding-3-small" });
    expect(await setCacheSettings(db(), admin, { mode: "org", semantic: { model: "embed-small", threshold: 0.95 } })).toMatchObject({ ok: true, value: { semantic: { model: "embed-small", threshold: 0.95 } } });
    expect(await setCacheSettings(db(), admin, { mode: "org", ttl_seconds: 90 })).toMatchObject({ ok: true, value: { ttl_seconds: 90, semantic: { model: "embed-small", threshold: 0.95 } } });
    const key = await createVirtualKey(db(), admin, { name: "semantic" });
    if (!key.ok) throw new Error("key not created");
    expect(await keyCache(key.value.id)).toEqual({ scope: "org", ttlSeconds: 90, semantic: { model: "embed-small", threshold: 0.95 } });
    expect(await setCacheSettings(db(), admin, { mode: "org", semantic: null })).toMatchObject({ ok: true, value: { semantic: null } });
  });

  test.each<[Role, boolean]>([
    ["owner", true],
    ["admin", true],
    ["finance", false],
    ["developer", false],
    ["viewer", false],
  ])("%s may change them: %s", async (role, allowed) => {
    const result = await setCacheSettings(db(), await member(role), { mode: "off" });
    expect(result.ok).toBe(allowed);
    if (!result.ok) expect(result.error).toMatchObject({ code: "forbidden" });
  });

  test.each([
    [{ mode: "sometimes" }, "mode"],
    [{ mode: "org", ttl_seconds: 0 }, "ttl_seconds"],
    [{ mode: "org", ttl_seconds: 2_592_001 }, "ttl_seconds"],
    [{ mode: "org", semantic: { model: "m", threshold: 0.2 } }, "semantic.threshold"],
  ])("%j is refused at %s", (input, path) => {
    expect(cacheSettingsInputSchema.safeParse(input).error?.issues[0].path).toEqual(path.split("."));
  });
});
