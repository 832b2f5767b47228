import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sql } from "drizzle-orm";
import { executeRows, openDatabase } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { createVirtualKey, revokeVirtualKey } from "@/server/admin/keys";
import { createModel, updateModel } from "@/server/admin/models";
import { createProviderConnection, updateProviderConnection } from "@/server/admin/providers";
import type { Actor } from "@/server/admin/service-result";
import { getEncryptionKey } from "@/server/crypto/instance-secrets";
import { hashToken } from "@/server/crypto/tokens";
import { loadSnapshot } from "@/server/gateway/config/load-snapshot";
import { startLiveConfig } from "@/server/gateway/config/live-config";
import { priceAt } from "@/server/gateway/config/config-source";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let owner: Actor;
const known = new Set(["openai", "anthropic", "gemini"]);

beforeAll(async () => {
  process.env.GATEWAY_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
  // No DNS in the test sandbox: the public provider hosts are allow-listed by name (which skips resolution);
  // every private address stays refused.
  process.env.GATEWAY_ALLOW_PRIVATE_HOSTS = "api.openai.com,api.anthropic.com,generativelanguage.googleapis.com";
  database = await createTestDatabase();
  owner = { orgId: await ensureDefaultOrg(database.handle.db), id: "admin_key:env", role: "owner" };
});
afterAll(async () => database?.drop());

const rows = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) => executeRows<T>(database.handle.db, query);

describe("provider connections", () => {
  test("credentials are encrypted at rest; only the last four are in clear", async () => {
    const created = await createProviderConnection(database.handle.db, owner, { kind: "openai", name: "oa", base_url: "https://api.openai.com/v1", api_key: "sk-secret-value-9876" });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.value).not.toHaveProperty("credentialCiphertext");
    expect(created.value.credentialLast4).toBe("9876");
    const [stored] = await rows<{ credential_ciphertext: string }>(sql`select credential_ciphertext from provider_connections where id = ${created.value.id}`);
    expect(stored.credential_ciphertext).toMatch(/^v1\./);
    expect(stored.credential_ciphertext).not.toContain("sk-secret");
    const [audit] = await rows<{ action: string; after: unknown }>(sql`select action, after from audit_log where target_id = ${created.value.id}`);
    expect(audit.action).toBe("provider.create");
    expect(JSON.stringify(audit.after)).not.toContain("sk-secret");
  });

  test.each([
    ["http://127.0.0.1:8080/v1"],
    ["http://169.254.169.254/latest"],
    ["http://10.0.0.5/v1"],
    ["http://localhost:11434/v1"],
  ])("refuses private base URL %s unless allowed", async (baseUrl) => {
    const result = await createProviderConnection(database.handle.db, owner, { kind: "openai", name: `p-${baseUrl.length}-${Math.random()}`, base_url: baseUrl, api_key: "k" });
    expect(result).toMatchObject({ ok: false, error: { code: "invalid", field: "base_url" } });
  });

  test("duplicate names are a conflict naming the field", async () => {
    const result = await createProviderConnection(database.handle.db, owner, { kind: "openai", name: "oa", api_key: "k" });
    expect(result).toMatchObject({ ok: false, error: { code: "conflict", field: "name" } });
  });

  test("roles: a viewer cannot add providers", async () => {
    const result = await createProviderConnection(database.handle.db, { ...owner, role: "viewer" }, { kind: "openai", name: "v", api_key: "k" });
    expect(result).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });
});

describe("keys, models and the gateway snapshot", () => {
  test("a key is stored as prefix + SHA-256 only, and appears in the snapshot until revoked", async () => {
    const connection = await createProviderConnection(database.handle.db, owner, { kind: "anthropic", name: "an", api_key: "sk-ant-xyz" });
    if (!connection.ok) throw new Error("setup failed");
    const model = await createModel(database.handle.db, owner, { name: "claude", connection_id: connection.value.id, upstream_model: "claude-haiku-4-5", price: { input: "1", output: "5" } });
    expect(model.ok).toBe(true);
    const created = await createVirtualKey(database.handle.db, owner, { name: "ci", models: ["claude"] });
    if (!created.ok) throw new Error(created.error.message);
    expect(created.value.key).toMatch(/^vk_/);
    const [stored] = await rows<Record<string, unknown>>(sql`select * from virtual_keys where id = ${created.value.id}`);
    expect(stored.key_hash).toBe(hashToken(created.value.key));
    expect(JSON.stringify(stored)).not.toContain(created.value.key);

    const snapshot = await loadSnapshot(database.handle.db, getEncryptionKey(), known);
    const key = snapshot.keys.find((entry) => entry.id === created.value.id)!;
    expect([...key.allowedModels!]).toEqual(["claude"]);
    const entry = snapshot.models.find((candidate) => candidate.name === "claude")!;
    expect(entry.connection).toMatchObject({ kind: "anthropic", apiKey: "sk-ant-xyz", trusted: false });

    const revoked = await revokeVirtualKey(database.handle.db, owner, created.value.id);
    expect(revoked.ok).toBe(true);
    const after = await loadSnapshot(database.handle.db, getEncryptionKey(), known);
    expect(after.keys.find((candidate) => candidate.id === created.value.id)).toBeUndefined();
    const audits = await rows<{ action: string }>(sql`select action from audit_log where target_id = ${created.value.id} order by id`);
    expect(audits.map((audit) => audit.action)).toEqual(["key.create", "key.revoke"]);
  });

  test("unknown models in a key's allow-list are refused", async () => {
    expect(await createVirtualKey(database.handle.db, owner, { name: "bad", models: ["nope"] })).toMatchObject({ ok: false, error: { field: "models" } });
  });

  test("a price change adds an effective-dated row; past requests keep theirs", async () => {
    const connection = await createProviderConnection(database.handle.db, owner, { kind: "gemini", name: "gm", api_key: "g" });
    if (!connection.ok) throw new Error("setup failed");
    const model = await createModel(database.handle.db, owner, { name: "flash", connection_id: connection.value.id, upstream_model: "gemini-2.5-flash", price: { input: "0.30", output: "2.50", effective_from: "2026-01-01T00:00:00Z" } });
    if (!model.ok) throw new Error("setup failed");
    await updateModel(database.handle.db, owner, model.value.id, { price: { input: "0.25", output: "2.00", effective_from: "2026-06-01T00:00:00Z" } });
    const entry = (await loadSnapshot(database.handle.db, getEncryptionKey(), known)).models.find((candidate) => candidate.name === "flash")!;
    expect(priceAt(entry, Date.parse("2026-03-01"))?.inputPerMtok).toBe("0.300000");
    expect(priceAt(entry, Date.parse("2026-07-01"))?.inputPerMtok).toBe("0.250000");
    expect(await createModel(database.handle.db, owner, { name: "x", connection_id: connection.value.id, upstream_model: "y", price: { input: "0.0000001", output: "1" } }).catch((error) => error)).toBeDefined();
  });

  test("a model's context settings reach the snapshot; their models must exist", async () => {
    const connection = await createProviderConnection(database.handle.db, owner, { kind: "openai", name: "ctx", api_key: "sk-ctx" });
    if (!connection.ok) throw new Error("setup failed");
    const base = { connection_id: connection.value.id, upstream_model: "gpt-4o-mini", price: { input: "1", output: "2" } };
    expect(await createModel(database.handle.db, owner, { ...base, name: "ctx-cheap" })).toMatchObject({ ok: true });
    const refused = await createModel(database.handle.db, owner, { ...base, name: "ctx-bad", context: { mode: "summarize", margin_tokens: 256, summarize_model: "no-such-model", split_overlap_tokens: 200, split_concurrency: 4 } });
    expect(refused).toMatchObject({ ok: false, error: { code: "invalid", field: "context.summarize_model" } });
    const model = await createModel(database.handle.db, owner, { ...base, name: "ctx-main", context: { mode: "summarize", margin_tokens: 512, summarize_model: "ctx-cheap", split_overlap_tokens: 200, split_concurrency: 4 } });
    if (!model.ok) throw new Error("setup failed");
    expect(await updateModel(database.handle.db, owner, model.value.id, { context: { mode: "fallback", margin_tokens: 256, fallback_model: "ctx-main", split_overlap_tokens: 200, split_concurrency: 4 } })).toMatchObject({ ok: false, error: { field: "context.fallback_model" } });
    const entry = (await loadSnapshot(database.handle.db, getEncryptionKey(), known)).models.find((candidate) => candidate.name === "ctx-main")!;
    expect(entry.context).toMatchObject({ mode: "summarize", margin_tokens: 512, summarize_model: "ctx-cheap" });
  });

  test("a change on one replica reaches another replica's snapshot through NOTIFY", async () => {
    const replica = await openDatabase({ databaseUrl: database.url, max: 2 });
    try {
      const live = await startLiveConfig(replica, () => loadSnapshot(replica.db, getEncryptionKey(), known), { refreshIntervalMs: 3_600_000 });
      const created = await createVirtualKey(database.handle.db, owner, { name: "propagates" });
      if (!created.ok) throw new Error("setup failed");
      const deadline = Date.now() + 5000;
      while (!live.findKey(created.value.keyPrefix) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(live.findKey(created.value.keyPrefix)?.id).toBe(created.value.id);
      await revokeVirtualKey(database.handle.db, owner, created.value.id);
      while (live.findKey(created.value.keyPrefix) && Date.now() < deadline + 5000) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(live.findKey(created.value.keyPrefix)).toBeUndefined();
      await live.stop();
    } finally {
      await replica.close();
    }
  });

  test("an edited base URL leaves the env source (so it is re-checked at connect time)", async () => {
    const created = await createProviderConnection(database.handle.db, owner, { kind: "openai", name: "edit-me", api_key: "k" });
    if (!created.ok) throw new Error("setup failed");
    const updated = await updateProviderConnection(database.handle.db, owner, created.value.id, { api_key: "new-key-1234" });
    expect(updated).toMatchObject({ ok: true, value: { credentialLast4: "1234" } });
  });
});

describe("environment connections", () => {
  test("a catalog name another provider already serves is created as <kind>/<name>", async () => {
    const { syncEnvConnections } = await import("@/server/bootstrap");
    const { readEnv } = await import("@/server/env");
    const settings = readEnv({ OPENAI_API_KEY: "sk-env-openai", AZURE_OPENAI_API_KEY: "az-key", AZURE_OPENAI_ENDPOINT: "https://example.openai.azure.com" } as unknown as NodeJS.ProcessEnv);
    await syncEnvConnections(database.handle.db, settings, owner.orgId, getEncryptionKey());
    const names = (await rows<{ name: string; kind: string }>(sql`select m.name, c.kind from models m join provider_connections c on c.id = m.connection_id where m.name like '%gpt-4o-mini'`)).map((row) => `${row.kind}:${row.name}`).sort();
    expect(names).toEqual(["azure:azure/gpt-4o-mini", "openai:gpt-4o-mini"]);
    // A second start changes nothing.
    await syncEnvConnections(database.handle.db, settings, owner.orgId, getEncryptionKey());
    expect((await rows<{ n: number }>(sql`select count(*)::int as n from models where name like '%gpt-4o-mini'`))[0].n).toBe(2);
  });
});
