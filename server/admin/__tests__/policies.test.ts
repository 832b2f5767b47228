import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { listenConfigChanges } from "@/db/client";
import { createTestDatabase } from "@/db/__tests__/test-database";
import { insertModel } from "@/db/queries/models";
import { ensureDefaultOrg } from "@/db/queries/organizations";
import { insertConnection } from "@/db/queries/provider-connections";
import { insertUserWithRole } from "@/db/queries/users";
import type { Role } from "@/db/schema";
import { createVirtualKey } from "@/server/admin/keys";
import { createPolicyRule, deletePolicyRule, listPolicies, reorderPolicyRules, setPolicyResidency, updatePolicyRule } from "@/server/admin/policies";
import { policyRuleInputSchema } from "@/server/admin/policy-input";
import { testPolicy } from "@/server/admin/policy-simulator";
import type { Actor } from "@/server/admin/service-result";
import { createStaticConfigSource } from "@/server/gateway/config/config-source";
import { loadSnapshot } from "@/server/gateway/config/load-snapshot";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orgId: string;
let admin: Actor;
const db = () => database.handle.db;
const CARD = "4111 1111 1111 1111";

async function member(role: Role): Promise<Actor> {
  const user = await insertUserWithRole(db(), { email: `${role}-${crypto.randomUUID()}@policies.test`, passwordHash: "x", orgId, role });
  return { orgId, id: `user:${user.id}`, userId: user.id, role };
}

beforeAll(async () => {
  database = await createTestDatabase();
  orgId = await ensureDefaultOrg(db());
  admin = await member("admin");
  const connection = await insertConnection(db(), { orgId, kind: "openai", name: "openai", baseUrl: "https://api.openai.com/v1", source: "console" });
  await insertModel(db(), { orgId, name: "gpt-us", connectionId: connection.id, upstreamModel: "gpt-4o-mini", region: "us-east-1" });
  await insertModel(db(), { orgId, name: "gpt-eu", connectionId: connection.id, upstreamModel: "gpt-4o-mini", region: "eu-west-1" });
});
afterAll(async () => database?.drop());

describe("saving rules", () => {
  test("a pattern RE2 cannot run (a backreference, a lookahead) is refused at save time, naming the field", () => {
    for (const regex of ["(\\w+) \\1", "card(?=\\d)"]) {
      const parsed = policyRuleInputSchema.safeParse({ name: "bad", action: "block", conditions: { patterns: [{ name: "p", regex }] } });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]).toMatchObject({ path: ["conditions", "patterns", 0, "regex"], message: expect.stringMatching(/^RE2 cannot compile this pattern .*no backreferences or lookarounds/) });
    }
  });

  test.each([
    [{ name: "r", action: "reroute" }, "target_model", "a reroute rule names its target_model"],
    [{ name: "r", action: "block", target_model: "gpt-eu" }, "target_model", "only a reroute rule has a target_model"],
    [{ name: "r", action: "redact", conditions: { roles: ["developer"] } }, "conditions", "a redact rule needs keywords, patterns or detectors to mask"],
    [{ name: "r", action: "block", conditions: { detectors: ["passport"] } }, "conditions.detectors.0", expect.any(String)],
  ])("%j is invalid at %s", (input, path, message) => {
    const parsed = policyRuleInputSchema.safeParse(input);
    expect(parsed.error?.issues[0]).toMatchObject({ path: path.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part)), message });
  });

  test("a reroute to a model the org does not have is refused", async () => {
    expect(await createPolicyRule(db(), admin, { name: "r", action: "reroute", target_model: "nope" })).toMatchObject({ ok: false, error: { code: "invalid", field: "target_model" } });
  });

  test("order: appended, inserted at a position, reordered, deleted; updates are checked as a whole", async () => {
    const created = [];
    for (const name of ["a", "b", "c"]) created.push(await createPolicyRule(db(), admin, { name, action: "log", conditions: { keywords: [name] } }));
    const first = await createPolicyRule(db(), admin, { name: "first", action: "log", position: 1 });
    expect(first.ok).toBe(true);
    const names = async () => ((await listPolicies(db(), admin)) as { ok: true; value: { rules: { name: string; id: string }[] } }).value.rules.map((rule) => rule.name);
    expect(await names()).toEqual(["first", "a", "b", "c"]);
    const ids = ((await listPolicies(db(), admin)) as { ok: true; value: { rules: { id: string }[] } }).value.rules.map((rule) => rule.id);
    expect(await reorderPolicyRules(db(), admin, ids.slice(1))).toMatchObject({ ok: false, error: { field: "ids" } });
    expect((await reorderPolicyRules(db(), admin, [...ids].reverse())).ok).toBe(true);
    expect(await names()).toEqual(["c", "b", "a", "first"]);
    expect(await updatePolicyRule(db(), admin, ids[1], { action: "redact" })).toMatchObject({ ok: true, value: { action: "redact" } });
    expect(await updatePolicyRule(db(), admin, ids[0], { action: "reroute" })).toMatchObject({ ok: false, error: { code: "invalid", field: "target_model" } });
    for (const id of ids) expect((await deletePolicyRule(db(), admin, id)).ok).toBe(true);
    expect(await names()).toEqual([]);
  });

  test("finance and viewers read; developers neither read nor write; only owners and admins write", async () => {
    for (const role of ["finance", "viewer"] as const) {
      const actor = await member(role);
      expect((await listPolicies(db(), actor)).ok).toBe(true);
      expect(await createPolicyRule(db(), actor, { name: "x", action: "log" })).toMatchObject({ ok: false, error: { code: "forbidden" } });
    }
    const developer = await member("developer");
    expect(await listPolicies(db(), developer)).toMatchObject({ ok: false, error: { code: "forbidden" } });
    expect(await testPolicy(db(), developer, { body: {} })).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });
});

describe("the gateway's snapshot and the simulator", () => {
  test("every change notifies the gateways (LISTEN/NOTIFY), so replicas recompile their snapshot", async () => {
    const notified: string[] = [];
    const unlisten = await listenConfigChanges(database.handle.raw, (what) => notified.push(what));
    const rule = await createPolicyRule(db(), admin, { name: "n", action: "log" });
    if (!rule.ok) throw new Error("setup failed");
    await updatePolicyRule(db(), admin, rule.value.id, { dry_run: true });
    await reorderPolicyRules(db(), admin, [rule.value.id]);
    await setPolicyResidency(db(), admin, { regions: ["eu"] });
    await setPolicyResidency(db(), admin, { regions: null });
    await deletePolicyRule(db(), admin, rule.value.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(notified.filter((what) => what === "policies")).toHaveLength(6);
    await unlisten();
  });

  test("rules, residency, and each key's role and region reach the compiled snapshot", async () => {
    const developer = await member("developer");
    const key = await createVirtualKey(db(), admin, { name: "eu dev", user_id: developer.userId, region: "eu-west-1", metadata: { env: "prod" } });
    const rule = await createPolicyRule(db(), admin, { name: "cards", action: "block", conditions: { detectors: ["payment_card"], roles: ["developer"] } });
    await setPolicyResidency(db(), admin, { regions: ["eu"] });
    if (!key.ok || !rule.ok) throw new Error("setup failed");
    const config = createStaticConfigSource(await loadSnapshot(db(), Buffer.alloc(32, 7), new Set(["openai"])));
    expect(config.findKey(key.value.keyPrefix)).toMatchObject({ role: "developer", region: "eu-west-1", metadata: { env: "prod" } });
    expect(config.findPolicy(orgId)).toMatchObject({ rules: [{ id: rule.value.id, action: "block" }], residency: { regions: ["eu"], callerRegions: null }, readsPrompt: true });
    await deletePolicyRule(db(), admin, rule.value.id);
    await setPolicyResidency(db(), admin, { regions: null });
  });

  test("Test a prompt: saved rules fire on the prompt; drafts and residency can be tried before saving", async () => {
    const block = await createPolicyRule(db(), admin, { name: "Block card numbers", action: "block", conditions: { detectors: ["payment_card"] } });
    if (!block.ok) throw new Error("setup failed");
    const blocked = await testPolicy(db(), admin, { body: { model: "gpt-eu", messages: [{ role: "user", content: `card ${CARD}` }] } });
    expect(blocked).toMatchObject({ ok: true, value: { status: 403, error: { code: "policy_violation" }, decision: { outcome: "blocked", rules: [{ id: block.value.id, detectors: ["payment_card"] }] }, request: null } });

    const drafts = await testPolicy(db(), admin, {
      body: { model: "gpt-us", input: "write to jane@example.com" },
      caller_region: "eu-central-1",
      rules: [
        { name: "Redact emails", action: "redact", conditions: { detectors: ["email"] } },
        { name: "EU stays in the EU", action: "reroute", target_model: "gpt-eu", conditions: { caller_regions: ["eu"], model_regions_not: ["eu"] } },
      ],
      residency: { regions: ["eu"] },
    });
    expect(drafts).toMatchObject({
      ok: true,
      value: { status: 200, model: "gpt-eu", request: { model: "gpt-eu", input: "write to [REDACTED:email]" }, decision: { outcome: "rerouted", reroutedFrom: "gpt-us", rules: [{ id: "draft-1", applied: true }, { id: "draft-2", applied: true }] } },
    });
    const residencyOnly = await testPolicy(db(), admin, { body: { model: "gpt-us", input: "hi" }, rules: [], residency: { regions: ["eu"] } });
    expect(residencyOnly).toMatchObject({ ok: true, value: { status: 403, decision: { outcome: "blocked", residency: { allowedRegions: ["eu"], modelRegion: "us-east-1" } } } });
    await deletePolicyRule(db(), admin, block.value.id);
  });
});
