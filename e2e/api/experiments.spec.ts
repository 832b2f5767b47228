import { expect, test, type APIRequestContext } from "@playwright/test";
import type { FakeUpstream } from "../fakes/common";
import { ROUTING_FAKE_API_KEY, startRoutingFake } from "../fakes/routing-fake";
import { adminHeaders, createKey } from "../support/gateway-client";

// Experiment scope and edits against the built app (README "A/B experiments"): the fake OpenAI-compatible upstream of
// e2e/fakes/routing-fake.ts answers every `ok-*` model.
let fake: FakeUpstream;
const suffix = Date.now().toString(36);
const name = (base: string) => `${base}-${suffix}`;

test.beforeAll(async ({ request }) => {
  fake = await startRoutingFake();
  const connection = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "openai", name: name("experiments-fake"), base_url: `${fake.url}/v1`, api_key: ROUTING_FAKE_API_KEY } });
  expect(connection.status()).toBe(201);
  const connectionId = (await connection.json()).id;
  for (const model of ["x-base", "x-other"]) {
    const response = await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: name(model), connection_id: connectionId, upstream_model: `ok-${model}-${suffix}`, price: { input: "1", output: "2" } } });
    expect(response.status(), await response.text()).toBe(201);
  }
});
test.afterAll(async () => {
  await fake?.close();
});

const chat = (request: APIRequestContext, key: string, user: string) =>
  request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model: name("x-base"), messages: [{ role: "user", content: "hi" }], user } });

test("a scoped experiment: the listed key's users get variants, another key's never do; edits are versions that can be restored", async ({ request }) => {
  const scoped = await createKey(request);
  const outside = await createKey(request);
  const created = await request.post("/api/admin/experiments", {
    headers: adminHeaders(),
    data: { name: name("scoped"), model: name("x-base"), variants: [{ name: "control", weight: 50, target: name("x-base") }, { name: "other", weight: 50, target: name("x-other") }], scope: { key_ids: [scoped.id] } },
  });
  expect(created.status(), await created.text()).toBe(201);
  const id = (await created.json()).id;
  expect((await created.json()).scope).toEqual({ key_ids: [scoped.id], team_ids: [] });
  expect((await request.post(`/api/admin/experiments/${id}/status`, { headers: adminHeaders(), data: { status: "running" } })).status()).toBe(200);
  await expect.poll(async () => (await chat(request, scoped.key, "probe")).headers()["x-modelgate-variant"], { timeout: 5000 }).toBeDefined();

  const seen = new Map<string, string>();
  for (let user = 0; user < 12; user++) {
    const inScope = await chat(request, scoped.key, `scoped-${user}`);
    expect(inScope.status()).toBe(200);
    seen.set(`scoped-${user}`, inScope.headers()["x-modelgate-variant"]);
    const notInScope = await chat(request, outside.key, `scoped-${user}`);
    expect(notInScope.status()).toBe(200);
    expect(notInScope.headers()["x-modelgate-variant"]).toBeUndefined();
    expect((await notInScope.json()).model).not.toContain("x-other");
  }
  expect(new Set(seen.values())).toEqual(new Set(["control", "other"]));

  // An edit moves every user to the control: a new version, in the snapshot at once.
  const edited = await request.patch(`/api/admin/experiments/${id}`, { headers: adminHeaders(), data: { weights: { control: 100, other: 0 }, note: "all to control" } });
  expect(edited.status(), await edited.text()).toBe(200);
  expect((await edited.json()).version).toBe(2);
  await expect.poll(async () => (await chat(request, scoped.key, [...seen].find(([, variant]) => variant === "other")![0])).headers()["x-modelgate-variant"], { timeout: 5000 }).toBe("control");
  const bad = await request.patch(`/api/admin/experiments/${id}`, { headers: adminHeaders(), data: { weights: { control: 90, other: 20 } } });
  expect(bad.status()).toBe(400);
  expect(await bad.json()).toEqual({ error: { message: "weights: the weights add up to 110, not 100", type: "invalid_request_error", code: "invalid", param: "weights" } });

  const versions = await (await request.get(`/api/admin/experiments/${id}/versions`, { headers: adminHeaders() })).json();
  expect(versions.map((version: { version: number; note: string }) => [version.version, version.note])).toEqual([[2, "all to control"], [1, "created"]]);
  const restored = await request.post(`/api/admin/experiments/${id}/restore`, { headers: adminHeaders(), data: { version: 1 } });
  expect(restored.status(), await restored.text()).toBe(200);
  expect((await restored.json()).variants.map((variant: { weight: number }) => variant.weight)).toEqual([50, 50]);
  // The users whose bucket is back in "other" are there again: assignment is the same hash.
  await expect.poll(async () => {
    const answers = await Promise.all([...seen].map(async ([user]) => (await chat(request, scoped.key, user)).headers()["x-modelgate-variant"]));
    return answers;
  }, { timeout: 5000 }).toEqual([...seen.values()]);
  expect((await request.post(`/api/admin/experiments/${id}/status`, { headers: adminHeaders(), data: { status: "stopped" } })).status()).toBe(200);
});

test("a scope naming a key of no key is a 400 naming the field", async ({ request }) => {
  const response = await request.post("/api/admin/experiments", {
    headers: adminHeaders(),
    data: { name: name("bad-scope"), model: name("x-base"), variants: [{ name: "a", weight: 50, target: name("x-base") }, { name: "b", weight: 50, target: name("x-other") }], scope: { key_ids: ["00000000-0000-4000-8000-00000000000f"] } },
  });
  expect(response.status()).toBe(400);
  expect(await response.json()).toEqual({ error: { message: "scope.key_ids: 00000000-0000-4000-8000-00000000000f names no key of the organization.", type: "invalid_request_error", code: "invalid", param: "scope.key_ids.0" } });
});
