import { expect, test } from "@playwright/test";
import { adminHeaders, createKey, ledgerRow } from "../support/gateway-client";

/**
 * Rate limits through the admin API, enforced by the built app (one process: the in-process limiter). Roles on
 * every route are walked by server/admin/__tests__/admin-routes-role-matrix.test.ts; the limiter itself by
 * server/gateway/rate-limit/limiter.test.ts and server/gateway/__tests__/rate-limits.test.ts.
 */
const chat = (request: import("@playwright/test").APIRequestContext, key: string, body: Record<string, unknown> = {}) =>
  request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }], ...body } });

/** The snapshot reloads on the change notification; polls until a request carries the limit's header. */
async function waitForLimit(request: import("@playwright/test").APIRequestContext, key: string, header: string, value: string) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const response = await request.get("/v1/models", { headers: { authorization: `Bearer ${key}` } });
    expect(response.status()).toBe(200);
    const probe = await chat(request, key, { max_tokens: 1 });
    if (probe.headers()[header] === value) return probe;
    if (Date.now() > deadline) throw new Error(`the limit did not arrive: ${JSON.stringify(probe.headers())}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("set, read, change and delete a key's limit; over it: 429 with Retry-After and x-ratelimit headers", async ({ request }) => {
  const key = await createKey(request);
  const created = await request.post("/api/admin/rate-limits", { headers: adminHeaders(), data: { scope: "key", scope_id: key.id, rpm: 3, tpm: 100_000 } });
  expect(created.status()).toBe(201);
  const limit = await created.json();
  expect(limit).toMatchObject({ scope: "key", scopeId: key.id, rpm: 3, tpm: 100_000, concurrency: null, failMode: "open" });

  const listed = await (await request.get(`/api/admin/rate-limits?scope=key&scope_id=${key.id}`, { headers: adminHeaders() })).json();
  expect(listed).toEqual([expect.objectContaining({ id: limit.id })]);

  const first = await waitForLimit(request, key.key, "x-ratelimit-limit-requests", "3");
  expect(first.status()).toBe(200);
  expect(first.headers()).toMatchObject({ "x-ratelimit-limit-requests": "3", "x-ratelimit-limit-tokens": "100000" });
  expect(first.headers()["x-ratelimit-reset-requests"]).toMatch(/^\d+(\.\d+)?s$/);
  const streamed = await chat(request, key.key, { stream: true });
  expect(streamed.status()).toBe(200);
  expect(streamed.headers()["content-type"]).toContain("text/event-stream");
  expect(Number(streamed.headers()["x-ratelimit-remaining-requests"])).toBeLessThanOrEqual(1);
  await chat(request, key.key);

  const refused = await chat(request, key.key);
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()["retry-after"])).toBeGreaterThanOrEqual(1);
  expect(refused.headers()).toMatchObject({ "x-ratelimit-limit-requests": "3", "x-ratelimit-remaining-requests": "0", "x-ratelimit-limit-tokens": "100000" });
  const body = await refused.json();
  expect(body.error).toMatchObject({ type: "rate_limit_error", code: "rate_limit_exceeded", param: null });
  expect(body.error.message).toContain("requests per minute (rpm) on this key: limit 3");
  expect(await ledgerRow(request, refused.headers()["x-request-id"])).toMatchObject({ status: "error", httpStatus: 429, errorKind: "rate_limited" });

  // Replacing with a higher limit admits again at once (the counter keeps what it counted).
  const replaced = await request.post("/api/admin/rate-limits", { headers: adminHeaders(), data: { scope: "key", scope_id: key.id, rpm: 1000 } });
  expect(replaced.status()).toBe(200);
  expect(await replaced.json()).toMatchObject({ id: limit.id, rpm: 1000, tpm: null });
  await waitForLimit(request, key.key, "x-ratelimit-limit-requests", "1000");

  const patched = await request.patch(`/api/admin/rate-limits/${limit.id}`, { headers: adminHeaders(), data: { concurrency: 2, fail_mode: "closed" } });
  expect(await patched.json()).toMatchObject({ rpm: 1000, concurrency: 2, failMode: "closed" });
  expect((await request.delete(`/api/admin/rate-limits/${limit.id}`, { headers: adminHeaders() })).status()).toBe(200);
  expect((await request.delete(`/api/admin/rate-limits/${limit.id}`, { headers: adminHeaders() })).status()).toBe(404);
});

test.describe("validation names the field", () => {
  for (const [name, data, param] of [
    ["no value", { scope: "key", scope_id: "00000000-0000-4000-8000-000000000000" }, "rpm"],
    ["unknown key", { scope: "key", scope_id: "00000000-0000-4000-8000-000000000000", rpm: 5 }, "scope_id"],
    ["zero rpm", { scope: "user", rpm: 0 }, "rpm"],
    ["org with scope_id", { scope: "org", scope_id: "x", rpm: 5 }, "scope_id"],
    ["bad fail mode", { scope: "user", rpm: 5, fail_mode: "sometimes" }, "fail_mode"],
  ] as const) {
    test(`${name} → 400 on ${param}`, async ({ request }) => {
      const response = await request.post("/api/admin/rate-limits", { headers: adminHeaders(), data });
      expect(response.status()).toBe(400);
      expect((await response.json()).error.param).toBe(param);
    });
  }
});
