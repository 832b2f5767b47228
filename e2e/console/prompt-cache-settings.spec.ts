import { expect, test, type APIRequestContext } from "@playwright/test";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "../fakes/anthropic-fake";
import type { FakeUpstream } from "../fakes/common";
import { signInAsOwner, shot } from "../support/console-session";
import { adminHeaders, createKey, ledgerRow } from "../support/gateway-client";

/**
 * Provider prompt caching in the console (README "Provider prompt caching"): the request detail shows a request's
 * 1-hour cache writes. The Settings page's prompt_cache_default is not toggled here: it is org-wide, and turning it
 * off races the other console specs that rely on automatic breakpoints (prompt-cache.spec.ts failed beside it); its
 * effect is covered by server/admin/__tests__/prompt-cache-default.test.ts and server/gateway/resolve-target.test.ts.
 */
let fake: FakeUpstream;
let connectionId: string;
const suffix = Date.now().toString(36);
test.beforeAll(async ({ request }) => {
  fake = await startFakeAnthropic();
  const connection = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "anthropic", name: `cache-settings-${suffix}`, base_url: `${fake.url}/v1`, api_key: FAKE_ANTHROPIC_API_KEY } });
  connectionId = (await connection.json()).id;
});
test.afterAll(async () => {
  await fake?.close();
});

const longSystem = () => `Handbook [[fake:promptcache]] ${crypto.randomUUID()}.\n` + "Clause: refunds within 30 days of delivery. ".repeat(150);
async function createModel(request: APIRequestContext, name: string): Promise<void> {
  const price = { input: "3", output: "15", cached_input: "0.30", cache_write: "3.75", cache_write_1h: "6" };
  expect((await request.post("/api/admin/models", { headers: adminHeaders(), data: { name, connection_id: connectionId, upstream_model: "claude-sonnet-4-5-20250929", price } })).status()).toBe(201);
}

test("the request detail shows the 1-hour cache writes of a group with ttl 1h; Settings shows the prompt caching default", async ({ page, request }) => {
  const model = `sonnet-1h-console-${suffix}`;
  await createModel(request, model);
  const group = `sonnet-1h-group-${suffix}`;
  expect((await request.post("/api/admin/groups", { headers: adminHeaders(), data: { name: group, deployments: [{ id: "sonnet", model }], prompt_cache: { mode: "auto", ttl: "1h" } } })).status()).toBe(201);
  const { key } = await createKey(request);
  const system = longSystem();
  const ask = () => request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model: group, messages: [{ role: "system", content: system }, { role: "user", content: "Refunds?" }] } });
  let response = await ask();
  await expect.poll(async () => (response.status() === 200 ? 200 : (response = await ask()).status()), { timeout: 5000 }).toBe(200);
  const row = await ledgerRow(request, response.headers()["x-request-id"]);
  expect(row.cacheWrite1hTokens).toBeGreaterThan(1024);

  await signInAsOwner(page);
  await page.goto(`/requests/${row.id}`);
  await expect(page.getByTestId("detail-cache-write")).toHaveText(Number(row.cacheWriteTokens).toLocaleString("en-US"));
  await expect(page.getByTestId("detail-cache-write-1h")).toHaveText(Number(row.cacheWrite1hTokens).toLocaleString("en-US"));
  await shot(page, "prompt-cache-1h-detail");

  // The Settings page shows the org's default (read only here, see above).
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "Provider prompt caching" });
  await expect(section.getByLabel("Models outside a group")).toHaveValue("auto");
  await expect(section.getByRole("button", { name: "Save" })).toBeDisabled();
});
