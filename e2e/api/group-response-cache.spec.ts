import { expect, test, type APIRequestContext } from "@playwright/test";
import { e2eEnv } from "../support/e2e-env";
import { adminHeaders, countFakeRequestsContaining, createKey, ledgerRow } from "../support/gateway-client";

/**
 * A model group's own response_cache setting (README "Response cache", precedence) against the OpenAI fake, while the
 * org's default (shared by the other specs) stays off: a group may turn the cache on for every key, narrow it to one
 * key, or turn it off even for keys that opted in. The precedence table itself is cache-settings.test.ts.
 */
const suffix = Date.now().toString(36);
const question = () => `Group cache ${crypto.randomUUID()}`;
const chat = (request: APIRequestContext, key: string, model: string, text: string) =>
  request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model, messages: [{ role: "user", content: text }] } });
const stored = () => new Promise((resolve) => setTimeout(resolve, 300));
const reachedFake = (text: string) => countFakeRequestsContaining(e2eEnv().fakeOpenAIUrl, text);

async function createGroup(request: APIRequestContext, name: string, responseCache: Record<string, unknown>): Promise<string> {
  const response = await request.post("/api/admin/groups", { headers: adminHeaders(), data: { name, deployments: [{ id: "mini", model: "gpt-4o-mini" }], response_cache: responseCache } });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()).id;
}
/** The snapshot reloads on the group's notification: poll until the group answers. */
async function ready(request: APIRequestContext, key: string, model: string): Promise<void> {
  await expect.poll(async () => (await chat(request, key, model, question())).status(), { timeout: 5000 }).toBe(200);
}

test("group org: keys without a mode of their own share the group's answers; a key set to off never uses the cache", async ({ request }) => {
  const group = `rc-org-${suffix}`;
  await createGroup(request, group, { mode: "org", ttl_seconds: 120 });
  const [first, second, optedOut] = [await createKey(request), await createKey(request), await createKey(request, { response_cache: "off" })];
  await ready(request, first.key, group);
  const text = question();
  const miss = await chat(request, first.key, group, text);
  expect(miss.headers()["x-modelgate-cache"]).toBe("miss");
  await stored();
  const shared = await chat(request, second.key, group, text);
  expect(shared.headers()["x-modelgate-cache"]).toBe("hit");
  expect(await ledgerRow(request, shared.headers()["x-request-id"])).toMatchObject({ cacheStatus: "hit", upstreamAttempts: 0, costUsd: "0.000000000000" });
  const off = await chat(request, optedOut.key, group, text);
  expect(off.status()).toBe(200);
  expect(off.headers()["x-modelgate-cache"]).toBeUndefined();
  expect(await reachedFake(text)).toBe(2);
  // The same question to the model itself: the org's default is off, so no cache.
  const direct = await chat(request, first.key, "gpt-4o-mini", text);
  expect(direct.headers()["x-modelgate-cache"]).toBeUndefined();
});

test("group key: each key has its own entries, even a key whose own mode is org", async ({ request }) => {
  const group = `rc-key-${suffix}`;
  await createGroup(request, group, { mode: "key" });
  const [first, orgKey] = [await createKey(request), await createKey(request, { response_cache: "org" })];
  await ready(request, first.key, group);
  const text = question();
  expect((await chat(request, first.key, group, text)).headers()["x-modelgate-cache"]).toBe("miss");
  await stored();
  expect((await chat(request, orgKey.key, group, text)).headers()["x-modelgate-cache"]).toBe("miss");
  await stored();
  expect((await chat(request, first.key, group, text)).headers()["x-modelgate-cache"]).toBe("hit");
  expect((await chat(request, orgKey.key, group, text)).headers()["x-modelgate-cache"]).toBe("hit");
  expect(await reachedFake(text)).toBe(2);
});

test("group off: a key that opted in gets no cache on the group, and keeps it on the model", async ({ request }) => {
  const group = `rc-off-${suffix}`;
  const id = await createGroup(request, group, { mode: "off" });
  const key = await createKey(request, { response_cache: "key" });
  await ready(request, key.key, group);
  const text = question();
  for (let round = 0; round < 2; round++) {
    const response = await chat(request, key.key, group, text);
    expect(response.headers()["x-modelgate-cache"]).toBeUndefined();
    await stored();
  }
  expect(await reachedFake(text)).toBe(2);
  expect((await chat(request, key.key, "gpt-4o-mini", text)).headers()["x-modelgate-cache"]).toBe("miss");

  // Back to inherit (a new version): the key's own mode applies to the group again.
  const patched = await request.patch(`/api/admin/groups/${id}`, { headers: adminHeaders(), data: { response_cache: { mode: "inherit" } } });
  expect(patched.status()).toBe(200);
  expect(await patched.json()).toMatchObject({ version: 2, definition: { response_cache: { mode: "inherit" } } });
  await expect.poll(async () => (await chat(request, key.key, group, question())).headers()["x-modelgate-cache"], { timeout: 5000 }).toBe("miss");
});

test.describe("admin API refusals name the field", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["an unknown mode", { mode: "everyone" }, "response_cache.mode"],
    ["a TTL above 30 days", { mode: "org", ttl_seconds: 2_592_001 }, "response_cache.ttl_seconds"],
    ["a semantic model of no one", { mode: "org", semantic: { model: "no-such-embedder", threshold: 0.9 } }, "response_cache.semantic.model"],
    ["a threshold below 0.5", { mode: "org", semantic: { model: "gpt-4o-mini", threshold: 0.2 } }, "response_cache.semantic.threshold"],
  ];
  for (const [label, responseCache, param] of cases) {
    test(`${label} → 400 ${param}`, async ({ request }) => {
      const response = await request.post("/api/admin/groups", { headers: adminHeaders(), data: { name: `rc-bad-${crypto.randomUUID().slice(0, 8)}`, deployments: [{ id: "a", model: "gpt-4o-mini" }], response_cache: responseCache } });
      expect(response.status()).toBe(400);
      const error = (await response.json()).error;
      expect(error.param).toBe(param);
      expect(error.type).toBe("invalid_request_error");
    });
  }
});
