import { expect, test } from "@playwright/test";
import type { FakeUpstream } from "../fakes/common";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "../fakes/openai-fake";
import { adminHeaders, createKey, ledgerRow } from "../support/gateway-client";

/**
 * Org prices and provider discounts through the admin API, charged by the built app. The discount is set on a
 * provider kind no other spec uses (fireworks, OpenAI-compatible, pointed at the OpenAI fake), so the shared org's
 * other requests keep their prices. Roles on every route: the admin-routes role matrix.
 */
let fake: FakeUpstream;
const suffix = Date.now().toString(36);
const model = `op-mini-${suffix}`;
let modelId: string;

test.beforeAll(async ({ request }) => {
  fake = await startFakeOpenAI();
  const connection = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "fireworks", name: `op-fake-${suffix}`, base_url: `${fake.url}/v1`, api_key: FAKE_OPENAI_API_KEY } });
  expect(connection.status(), await connection.text()).toBe(201);
  const created = await request.post("/api/admin/models", {
    headers: adminHeaders(),
    data: { name: model, connection_id: (await connection.json()).id, upstream_model: "gpt-4o-mini", price: { input: "0.15", output: "0.60" } },
  });
  expect(created.status(), await created.text()).toBe(201);
  modelId = (await created.json()).id;
});
test.afterAll(async () => fake?.close());

test("invalid org prices and discounts are refused with the field named", async ({ request }) => {
  const cases: [string, unknown, number, string | null, string][] = [
    [`/api/admin/models/${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}/org-prices`, { input: "1", output: "2" }, 404, null, "not_found"],
    ["/api/admin/models/not-a-uuid/org-prices", { input: "1", output: "2" }, 404, null, "not_found"],
    [`/api/admin/models/:id/org-prices`, { input: "1" }, 400, "output", "invalid_value"],
    [`/api/admin/models/:id/org-prices`, { input: "1", output: "0.0000001" }, 400, "output", "invalid_value"],
    [`/api/admin/models/:id/org-prices`, { clear: true, input: "1" }, 400, "input", "invalid_value"],
    [`/api/admin/models/:id/org-prices`, { input: "1", output: "2", surprise: 1 }, 400, null, "invalid_value"],
    ["/api/admin/discounts", { provider: "nope", percent: "5" }, 400, "provider", "invalid_value"],
    ["/api/admin/discounts", { provider: "fireworks", percent: "100.5" }, 400, "percent", "invalid_value"],
    ["/api/admin/discounts", { provider: "fireworks", percent: "1.23456" }, 400, "percent", "invalid_value"],
  ];
  for (const [path, data, status, param, code] of cases) {
    const response = await request.post(path.replace(":id", modelId), { headers: adminHeaders(), data });
    expect(response.status(), `${path} ${JSON.stringify(data)}`).toBe(status);
    const body = await response.json();
    expect(body.error).toMatchObject({ code, param });
    expect(typeof body.error.message).toBe("string");
  }
  expect((await request.get(`/api/admin/discounts`)).status()).toBe(401);
});

test("a request is charged the org price less the provider discount; list cost stays the catalog's; reports show both", async ({ request }) => {
  const price = await request.post(`/api/admin/models/${modelId}/org-prices`, { headers: adminHeaders(), data: { input: "0.10", output: "0.40" } });
  expect(price.status(), await price.text()).toBe(201);
  expect(await price.json()).toMatchObject({ modelId, inputPerMtok: "0.100000", outputPerMtok: "0.400000" });
  const discount = await request.post("/api/admin/discounts", { headers: adminHeaders(), data: { provider: "fireworks", percent: "10" } });
  expect(discount.status(), await discount.text()).toBe(201);
  expect((await (await request.get(`/api/admin/models/${modelId}/org-prices`, { headers: adminHeaders() })).json()).current).toMatchObject({ inputPerMtok: "0.100000" });
  expect((await (await request.get("/api/admin/discounts", { headers: adminHeaders() })).json()).current).toContainEqual(expect.objectContaining({ provider: "fireworks", percent: "10.0000" }));
  await new Promise((resolve) => setTimeout(resolve, 500)); // the snapshot reloads on the change notification

  const key = await createKey(request);
  const response = await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key.key}` }, data: { model, max_tokens: 10, messages: [{ role: "user", content: "hello" }] } });
  expect(response.status(), await response.text()).toBe(200);
  const row = await ledgerRow(request, response.headers()["x-request-id"]);
  // 21 input + 7 output tokens: list 21 × 0.15 + 7 × 0.60 = 7.35 µ$; effective (21 × 0.10 + 7 × 0.40) × 0.9 = 4.41 µ$.
  expect(row).toMatchObject({ provider: "fireworks", costUsd: "0.000004410000", listCostUsd: "0.000007350000", discountPercent: "10.0000" });

  const report = await request.get("/api/admin/reports/usage?period=this_month&group_by=model", { headers: adminHeaders() });
  expect(report.status()).toBe(200);
  const group = (await report.json()).groups.find((candidate: { key: string }) => candidate.key === model);
  expect(group).toMatchObject({ requests: 1, cost_usd: "0.000004410000", list_cost_usd: "0.000007350000" });

  // Ended again: the next request pays the catalog price; the recorded row keeps what it was charged.
  expect((await request.post(`/api/admin/models/${modelId}/org-prices`, { headers: adminHeaders(), data: { clear: true } })).status()).toBe(201);
  expect((await request.post("/api/admin/discounts", { headers: adminHeaders(), data: { provider: "fireworks", percent: "0" } })).status()).toBe(201);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key.key}` }, data: { model, max_tokens: 10, messages: [{ role: "user", content: "hello" }] } });
  expect(after.status()).toBe(200);
  expect(await ledgerRow(request, after.headers()["x-request-id"])).toMatchObject({ costUsd: "0.000007350000", listCostUsd: "0.000007350000", discountPercent: null });
  expect(await ledgerRow(request, response.headers()["x-request-id"])).toMatchObject({ costUsd: "0.000004410000" });
});
