import { expect, test, type APIRequestContext } from "@playwright/test";
import { e2eEnv } from "../support/e2e-env";
import { adminHeaders, createKey, fakeRequests, ledgerRow } from "../support/gateway-client";

/**
 * Policy rules through the admin API, enforced by the built app. Every rule here is scoped to this spec's own key
 * (key_ids), and residency to callers in "eu" (only this spec's key has that region), so specs running beside it
 * are not affected. Roles on every route: server/admin/__tests__/admin-routes-role-matrix.test.ts; every endpoint
 * alike: server/gateway/__tests__/policy.test.ts.
 */
const CARD = "4111 1111 1111 1111";
const tag = Math.random().toString(36).slice(2, 8);

const chat = (request: APIRequestContext, key: string, content: string, model = "gpt-4o-mini") =>
  request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model, messages: [{ role: "user", content }] } });

/** The snapshot reloads on the change notification: retry until the answer is what the new rules say. */
async function eventually<T>(probe: () => Promise<T>, isDone: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (isDone(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("block, redact and reroute rules: created, listed, reordered, enforced, recorded; then deleted", async ({ request }) => {
  const key = await createKey(request, { region: "eu-west-1" });
  const connections = await (await request.get("/api/admin/providers", { headers: adminHeaders() })).json();
  const openai = connections.find((connection: { name: string }) => connection.name === "openai");
  const euModel = `mini-eu-${tag}`;
  const model = await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: euModel, connection_id: openai.id, upstream_model: "gpt-4.1-mini", region: "eu-west-1", price: { input: "1", output: "2" } } });
  expect(model.status()).toBe(201);

  const mine = { key_ids: [key.id] };
  const create = async (data: Record<string, unknown>) => {
    const response = await request.post("/api/admin/policies", { headers: adminHeaders(), data });
    expect(response.status(), await response.text()).toBe(201);
    return response.json();
  };
  const block = await create({ name: `Block card numbers ${tag}`, action: "block", conditions: { ...mine, detectors: ["payment_card"] } });
  const redact = await create({ name: `Redact emails ${tag}`, action: "redact", conditions: { ...mine, detectors: ["email"], keywords: ["project falcon"] } });
  const reroute = await create({ name: `EU stays in the EU ${tag}`, action: "reroute", target_model: euModel, conditions: { ...mine, caller_regions: ["eu"], model_regions_not: ["eu"] } });
  const dryRun = await create({ name: `Dry-run block ${tag}`, action: "block", dry_run: true, position: 1, conditions: { ...mine, keywords: ["forbidden word"] } });
  const listed = (await (await request.get("/api/admin/policies", { headers: adminHeaders() })).json()).rules.map((rule: { id: string }) => rule.id);
  expect(listed.filter((id: string) => [block.id, redact.id, reroute.id, dryRun.id].includes(id))).toEqual([dryRun.id, block.id, redact.id, reroute.id]);

  // Block: 403 policy_violation naming the rule, nothing reaches the provider, the decision on the ledger row.
  const blocked = await eventually(() => chat(request, key.key, `charge ${CARD}`), (response) => response.status() === 403);
  expect(blocked.status()).toBe(403);
  const blockedBody = await blocked.json();
  expect(blockedBody.error).toMatchObject({ type: "permission_error", code: "policy_violation" });
  expect(blockedBody.error.message).toContain(`"Block card numbers ${tag}" (${block.id})`);
  const blockedRow = await ledgerRow(request, blocked.headers()["x-request-id"]);
  expect(blockedRow).toMatchObject({ httpStatus: 403, policy: { outcome: "blocked", rules: [{ id: block.id, action: "block", applied: true, detectors: ["payment_card"] }] } });
  expect(JSON.stringify(blockedRow)).not.toContain("4111");

  // Redact + reroute: the provider gets the masked prompt on the EU model; the dry-run rule is recorded only.
  const served = await chat(request, key.key, "mail jane@example.com about Project Falcon, forbidden word");
  expect(served.status()).toBe(200);
  const received = (await fakeRequests(e2eEnv().fakeOpenAIUrl)).filter((entry) => entry.path.endsWith("/chat/completions")).at(-1)!;
  expect(received.body.model).toBe("gpt-4.1-mini");
  expect(JSON.stringify(received.body)).toContain("mail [REDACTED:email] about [REDACTED:keyword], forbidden word");
  const servedRow = await ledgerRow(request, served.headers()["x-request-id"]);
  expect(servedRow).toMatchObject({ requestedModel: "gpt-4o-mini", servedModel: "gpt-4.1-mini", policy: { outcome: "rerouted", reroutedFrom: "gpt-4o-mini", reroutedTo: euModel } });
  expect((servedRow.policy as { rules: { id: string; applied: boolean; dryRun: boolean }[] }).rules.map((hit) => [hit.id, hit.applied, hit.dryRun])).toEqual([
    [dryRun.id, false, true],
    [redact.id, true, false],
    [reroute.id, true, false],
  ]);

  // Reorder: every id once; a partial list is refused.
  expect((await request.post("/api/admin/policies/reorder", { headers: adminHeaders(), data: { ids: [block.id] } })).status()).toBe(400);
  const reordered = await request.post("/api/admin/policies/reorder", { headers: adminHeaders(), data: { ids: [...listed].reverse() } });
  expect(reordered.status()).toBe(200);

  // Turning the block into a dry run lets the card through, recorded.
  expect((await request.patch(`/api/admin/policies/${block.id}`, { headers: adminHeaders(), data: { dry_run: true } })).status()).toBe(200);
  const dry = await eventually(() => chat(request, key.key, `charge ${CARD}`, euModel), (response) => response.status() === 200);
  expect(dry.status()).toBe(200);
  expect(await ledgerRow(request, dry.headers()["x-request-id"])).toMatchObject({ policy: { rules: expect.arrayContaining([expect.objectContaining({ id: block.id, dryRun: true, applied: false })]) } });

  for (const rule of [block, redact, reroute, dryRun]) expect((await request.delete(`/api/admin/policies/${rule.id}`, { headers: adminHeaders() })).status()).toBe(200);
  expect((await request.delete(`/api/admin/policies/${block.id}`, { headers: adminHeaders() })).status()).toBe(404);
});

test("residency for EU callers: /v1/models lists EU models only, a US model is refused; the simulator agrees", async ({ request }) => {
  const euKey = await createKey(request, { region: "eu-central-1" });
  const otherKey = await createKey(request);
  const connections = await (await request.get("/api/admin/providers", { headers: adminHeaders() })).json();
  const openai = connections.find((connection: { name: string }) => connection.name === "openai");
  const euModel = `eu-only-${tag}`;
  expect((await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: euModel, connection_id: openai.id, upstream_model: "gpt-4o-mini", region: "eu-central-1", price: { input: "1", output: "2" } } })).status()).toBe(201);
  const residency = await request.put("/api/admin/policies/residency", { headers: adminHeaders(), data: { regions: ["eu"], caller_regions: ["eu"] } });
  expect(await residency.json()).toEqual({ regions: ["eu"], caller_regions: ["eu"] });
  try {
    const listModels = async (key: string) => ((await (await request.get("/v1/models", { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { id: string }[] }).data.map((entry) => entry.id);
    const euList = await eventually(() => listModels(euKey.key), (ids) => !ids.includes("gpt-4o-mini"));
    expect(euList).toContain(euModel);
    expect(euList).not.toContain("gpt-4o-mini");
    expect(await listModels(otherKey.key)).toContain("gpt-4o-mini");

    const refused = await chat(request, euKey.key, "Hi");
    expect(refused.status()).toBe(403);
    expect((await refused.json()).error).toMatchObject({ code: "policy_violation", message: expect.stringContaining("data residency") });
    expect((await chat(request, euKey.key, "Hi", euModel)).status()).toBe(200);
    expect((await chat(request, otherKey.key, "Hi")).status()).toBe(200);

    const simulated = await request.post("/api/admin/policies/test", { headers: adminHeaders(), data: { body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }, key_id: euKey.id } });
    expect(await simulated.json()).toMatchObject({ status: 403, error: { code: "policy_violation" }, decision: { outcome: "blocked", residency: { allowedRegions: ["eu"] } } });
  } finally {
    await request.put("/api/admin/policies/residency", { headers: adminHeaders(), data: { regions: null } });
  }
});

test("a backreference is refused at save time with a 400 naming the field; the simulator tries drafts", async ({ request }) => {
  const refused = await request.post("/api/admin/policies", { headers: adminHeaders(), data: { name: "bad", action: "block", conditions: { patterns: [{ name: "repeat", regex: "(\\w+) \\1" }] } } });
  expect(refused.status()).toBe(400);
  expect((await refused.json()).error).toMatchObject({ code: "invalid_value", param: "conditions.patterns.0.regex", message: expect.stringContaining("RE2 cannot compile this pattern") });

  const draft = await request.post("/api/admin/policies/test", {
    headers: adminHeaders(),
    data: { body: { model: "gpt-4o-mini", input: `IBAN DE89 3704 0044 0532 0130 00 and card ${CARD}` }, rules: [{ name: "Redact bank data", action: "redact", conditions: { detectors: ["iban", "payment_card"] } }] },
  });
  expect(await draft.json()).toMatchObject({ status: 200, request: { input: "IBAN [REDACTED:iban] and card [REDACTED:payment_card]" }, decision: { outcome: "redacted", rules: [{ id: "draft-1", detectors: ["iban", "payment_card"] }] } });
});
