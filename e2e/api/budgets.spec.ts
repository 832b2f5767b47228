import { expect, test, type APIRequestContext } from "@playwright/test";
import { adminHeaders, createKey, ledgerRow, ledgerRowsForKey } from "../support/gateway-client";

/**
 * Budgets through the admin API, enforced by the built app on its embedded database. The concurrency bound across
 * replicas is proven by server/gateway/__tests__/budgets.test.ts on the real PostgreSQL; roles on every route by the
 * admin-routes role matrix.
 */
const chat = (request: APIRequestContext, key: string) =>
  request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: "hello" }] } });

async function budget(request: APIRequestContext, id: string) {
  return (await request.get(`/api/admin/budgets/${id}`, { headers: adminHeaders() })).json();
}

/** Waits until every ledger row has settled: nothing reserved. */
async function settled(request: APIRequestContext, id: string) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const state = await budget(request, id);
    if (state.reserved_usd === "0.000000000000" || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("a key's monthly budget: requests until it is spent, then 429 budget_exceeded; spent equals the ledger; raise, delete", async ({ request }) => {
  const key = await createKey(request);
  // The fake bills 21 + 7 tokens: $0.00000735 a request. $0.00003 admits four in full; the fifth finds $0.0000006
  // left and nothing in flight, so it is admitted with its reservation capped at that (spend passes the limit by less
  // than one request: the documented bound); the sixth finds the budget spent.
  const created = await request.post("/api/admin/budgets", { headers: adminHeaders(), data: { scope: "key", scope_id: key.id, period: "monthly", limit_usd: "0.00003", alert_thresholds: [0.5, 1] } });
  expect(created.status()).toBe(201);
  const view = await created.json();
  expect(view).toMatchObject({ scope: "key", scope_id: key.id, period: "monthly", limit_usd: "0.000030000000", spent_usd: "0.000000000000", reserved_usd: "0.000000000000", remaining_usd: "0.000030000000", alert_thresholds: [0.5, 1] });
  expect(view.period_start).toMatch(/^\d{4}-\d{2}-01T00:00:00\.000Z$/);
  await new Promise((resolve) => setTimeout(resolve, 500)); // the snapshot reloads on the change notification

  const statuses: number[] = [];
  let refusal: { status: number; body: { error: Record<string, unknown> }; requestId: string } | null = null;
  for (let attempt = 0; attempt < 10 && !refusal; attempt++) {
    const response = await chat(request, key.key);
    statuses.push(response.status());
    if (response.status() === 429) refusal = { status: 429, body: await response.json(), requestId: response.headers()["x-request-id"] };
    else {
      expect(response.status()).toBe(200);
      await ledgerRow(request, response.headers()["x-request-id"]);
    }
  }
  expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  expect(refusal!.body.error).toEqual({ message: "This key's monthly budget is exhausted.", type: "insufficient_quota", code: "budget_exceeded", param: null });
  expect(await ledgerRow(request, refusal!.requestId)).toMatchObject({ status: "error", httpStatus: 429, errorKind: "budget_exceeded", costUsd: "0.000000000000" });

  const state = await settled(request, view.id);
  expect(state).toMatchObject({ spent_usd: "0.000036750000", reserved_usd: "0.000000000000", remaining_usd: "0.000000000000" });
  const rows = await ledgerRowsForKey(request, key.id);
  const total = rows.reduce((sum, row) => sum + Math.round(Number(row.costUsd) * 1e12), 0);
  expect(total).toBe(36_750_000); // picodollars: spent is exactly the ledger's sum
  expect(state.burn_down.at(-1)).toMatchObject({ spent_usd: "0.000036750000" });
  expect(state.forecast_usd).toMatch(/^\d+\.\d{12}$/);

  // Raising the limit admits again; deleting the budget lifts it.
  const raised = await request.patch(`/api/admin/budgets/${view.id}`, { headers: adminHeaders(), data: { limit_usd: "1" } });
  expect(raised.status()).toBe(200);
  expect(await raised.json()).toMatchObject({ limit_usd: "1.000000000000", spent_usd: "0.000036750000" });
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect((await chat(request, key.key)).status()).toBe(200);
  expect((await request.delete(`/api/admin/budgets/${view.id}`, { headers: adminHeaders() })).status()).toBe(200);
  expect((await request.get(`/api/admin/budgets/${view.id}`, { headers: adminHeaders() })).status()).toBe(404);
});

test("bad budget definitions are 400s naming the field, and a webhook may not point at an internal address", async ({ request }) => {
  const key = await createKey(request);
  const cases: [Record<string, unknown>, string][] = [
    [{ scope: "key", scope_id: key.id, period: "monthly", limit_usd: "ten" }, "limit_usd"],
    [{ scope: "key", scope_id: key.id, period: "monthly", limit_usd: "0" }, "limit_usd"],
    [{ scope: "key", scope_id: key.id, period: "yearly", limit_usd: "1" }, "period"],
    [{ scope: "team", period: "monthly", limit_usd: "1" }, "scope_id"],
    [{ scope: "key", scope_id: "00000000-0000-4000-8000-000000000000", period: "monthly", limit_usd: "1" }, "scope_id"],
    [{ scope: "key", scope_id: key.id, period: "monthly", limit_usd: "1", webhook_url: "http://169.254.169.254/latest/meta-data" }, "webhook_url"],
  ];
  for (const [data, param] of cases) {
    const response = await request.post("/api/admin/budgets", { headers: adminHeaders(), data });
    expect(response.status(), JSON.stringify(data)).toBe(400);
    expect((await response.json()).error.param).toBe(param);
  }
});
