import { expect, test } from "@playwright/test";
import { e2eEnv } from "../support/e2e-env";
import { adminHeaders } from "../support/gateway-client";

test.describe("admin API authentication", () => {
  for (const [name, headers] of [
    ["no token", {}],
    ["wrong token", { authorization: "Bearer not-the-admin-key-000000" }],
    ["a virtual key", { authorization: "Bearer vk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }],
  ] as const) {
    test(`${name} → 401 on every route`, async ({ request }) => {
      for (const [method, path] of [["GET", "/api/admin/keys"], ["POST", "/api/admin/keys"], ["GET", "/api/admin/providers"], ["GET", "/api/admin/models"], ["GET", "/api/admin/requests"]] as const) {
        const response = await request.fetch(path, { method, headers, data: method === "POST" ? { name: "x" } : undefined });
        expect(response.status(), `${method} ${path}`).toBe(401);
        expect((await response.json()).error.code).toBe("invalid_admin_token");
      }
    });
  }
});

test("keys: create returns the key once; list never shows it", async ({ request }) => {
  const created = await request.post("/api/admin/keys", { headers: adminHeaders(), data: { name: "finance-script", models: ["gpt-4o-mini"], expires_at: new Date(Date.now() + 86_400_000).toISOString() } });
  expect(created.status()).toBe(201);
  const body = await created.json();
  expect(body.key).toMatch(/^vk_[A-Za-z0-9_-]{43}$/);
  expect(body).toMatchObject({ name: "finance-script", allowedModels: ["gpt-4o-mini"], keyPrefix: body.key.slice(0, 11) });
  const list = await (await request.get("/api/admin/keys", { headers: adminHeaders() })).text();
  expect(list).toContain(body.id);
  expect(list).not.toContain(body.key);
  expect(list).not.toMatch(/key_?hash/i);
});

test.describe("keys: validation", () => {
  for (const [name, data, param] of [
    ["missing name", {}, "name"],
    ["expiry in the past", { name: "x", expires_at: "2020-01-01T00:00:00Z" }, "expires_at"],
    ["unknown model", { name: "x", models: ["no-such-model"] }, "models"],
    ["bad date", { name: "x", expires_at: "tomorrow" }, "expires_at"],
  ] as const) {
    test(`${name} → 400 naming ${param}`, async ({ request }) => {
      const response = await request.post("/api/admin/keys", { headers: adminHeaders(), data });
      expect(response.status()).toBe(400);
      expect((await response.json()).error.param).toBe(param);
    });
  }
});

test("providers: private and metadata base URLs are refused; allowed hosts work; credentials never come back", async ({ request }) => {
  for (const base_url of ["http://10.1.2.3/v1", "http://169.254.169.254/latest", "http://[::1]:8080/v1", "http://192.168.0.10/v1"]) {
    const response = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "openai", name: `bad-${base_url.length}`, base_url, api_key: "sk-x" } });
    expect(response.status(), base_url).toBe(400);
    expect((await response.json()).error).toMatchObject({ param: "base_url" });
  }
  const created = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "openai", name: "local-fake", base_url: `${e2eEnv().fakeOpenAIUrl}/v1`, api_key: "sk-fake-openai-0123456789" } });
  expect(created.status()).toBe(201);
  const connection = await created.json();
  expect(connection).toMatchObject({ kind: "openai", credentialLast4: "6789" });
  expect(JSON.stringify(connection)).not.toContain("sk-fake-openai");

  const tested = await request.post(`/api/admin/providers/${connection.id}/test`, { headers: adminHeaders() });
  expect(await tested.json()).toMatchObject({ ok: true, status: 200 });

  const renamed = await request.patch(`/api/admin/providers/${connection.id}`, { headers: adminHeaders(), data: { api_key: "sk-wrong-key-0000" } });
  expect((await renamed.json()).credentialLast4).toBe("0000");
  const failing = await request.post(`/api/admin/providers/${connection.id}/test`, { headers: adminHeaders() });
  expect(await failing.json()).toMatchObject({ ok: false, status: 401 });
});

test("models: add with prices, serve it, and a price change applies to new requests only", async ({ request }) => {
  const connections = await (await request.get("/api/admin/providers", { headers: adminHeaders() })).json();
  const openai = connections.find((connection: { name: string }) => connection.name === "openai");
  const created = await request.post("/api/admin/models", {
    headers: adminHeaders(),
    data: { name: "team-mini", connection_id: openai.id, upstream_model: "gpt-4o-mini", context_window: 128000, max_output_tokens: 16384, price: { input: "1", output: "2" } },
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  const key = await (await request.post("/api/admin/keys", { headers: adminHeaders(), data: { name: "prices" } })).json();

  const call = async () => {
    const response = await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key.key}` }, data: { model: "team-mini", messages: [{ role: "user", content: "hi" }] } });
    expect(response.status()).toBe(200);
    return response.headers()["x-request-id"];
  };
  const before = await call();
  expect((await request.patch(`/api/admin/models/${id}`, { headers: adminHeaders(), data: { price: { input: "10", output: "20" } } })).status()).toBe(200);
  // The new price reaches the gateway's snapshot through the change notification.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = await call();
  const row = async (requestId: string) => {
    for (let attempt = 0; attempt < 50; attempt++) {
      const response = await request.get(`/api/admin/requests/${requestId}`, { headers: adminHeaders() });
      if (response.ok()) return response.json();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error("no row");
  };
  // 21 × $1 + 7 × $2 = 35 µ$; then 21 × $10 + 7 × $20 = 350 µ$.
  expect((await row(before)).costUsd).toBe("0.000035000000");
  expect((await row(after)).costUsd).toBe("0.000350000000");

  const duplicate = await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: "team-mini", connection_id: openai.id, upstream_model: "x", price: { input: "1", output: "1" } } });
  expect(duplicate.status()).toBe(409);
  const badPrice = await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: "bad-price", connection_id: openai.id, upstream_model: "x", price: { input: "-1", output: "1" } } });
  expect(badPrice.status()).toBe(400);
  expect((await badPrice.json()).error.param).toBe("price.input");
});

test("health and readiness", async ({ request }) => {
  expect(await (await request.get("/api/health")).json()).toEqual({ status: "ok" });
  expect(await (await request.get("/api/ready")).json()).toMatchObject({ status: "ready" });
});

test("console tRPC procedures and pages refuse callers without a session", async ({ request }) => {
  const query = await request.get(`/api/trpc/keys.list?input=${encodeURIComponent(JSON.stringify({ json: null }))}`);
  expect(query.status()).toBe(401);
  const mutation = await request.post("/api/trpc/providers.create", { data: { json: { kind: "openai", name: "x", api_key: "k" } } });
  expect(mutation.status()).toBe(401);
  expect(JSON.stringify(await mutation.json())).not.toMatch(/stack|at [\w.]+ \(/);
  const page = await request.get("/keys", { maxRedirects: 0 });
  expect([302, 303, 307, 308]).toContain(page.status());
  expect(page.headers().location).toContain("/login");
});
