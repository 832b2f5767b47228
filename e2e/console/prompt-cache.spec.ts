import { expect, test } from "@playwright/test";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "../fakes/anthropic-fake";
import type { FakeUpstream } from "../fakes/common";
import { signInAsOwner, shot } from "../support/console-session";
import { adminHeaders, createKey, ledgerRow } from "../support/gateway-client";

/** The request detail page and the Overview show the prompt-cache hit ratio and the money saved (README "Provider prompt caching"). */
let fake: FakeUpstream;
test.beforeAll(async () => {
  fake = await startFakeAnthropic();
});
test.afterAll(async () => {
  await fake?.close();
});

test("a cache read shows its ratio and saving on the request detail and the Overview", async ({ page, request }) => {
  const suffix = Date.now().toString(36);
  const connection = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "anthropic", name: `cache-console-${suffix}`, base_url: `${fake.url}/v1`, api_key: FAKE_ANTHROPIC_API_KEY } });
  const model = `sonnet-console-${suffix}`;
  const price = { input: "3", output: "15", cached_input: "0.30", cache_write: "3.75" };
  expect((await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: model, connection_id: (await connection.json()).id, upstream_model: "claude-sonnet-4-5-20250929", price } })).status()).toBe(201);
  const { key } = await createKey(request);
  const system = `Console cache test [[fake:promptcache]] ${suffix}. ` + "Clause: refunds within 30 days. ".repeat(200);
  const ask = () => request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model, messages: [{ role: "system", content: system }, { role: "user", content: "Refunds?" }] } });
  await expect.poll(async () => (await ask()).status(), { timeout: 5000 }).toBe(200);
  const second = await ask();
  const row = await ledgerRow(request, second.headers()["x-request-id"]);
  const promptCache = row.promptCache as { hitRatio: number; savedUsd: string };
  expect(promptCache.hitRatio).toBeGreaterThan(0.9);

  await signInAsOwner(page);
  await page.goto(`/requests/${row.id}`);
  await expect(page.getByTestId("detail-cache-read")).toHaveText(Number(row.cachedInputTokens).toLocaleString("en-US"));
  await expect(page.getByTestId("detail-cache-write")).toHaveText("0");
  await expect(page.getByTestId("detail-cache-hit-ratio")).toHaveText(`${(promptCache.hitRatio * 100).toFixed(0)}%`);
  await expect(page.getByTestId("detail-prompt-cache-saved")).toContainText("$0.0");
  await expect(page.getByTestId("detail-prompt-cache-saved").locator("span")).toHaveAttribute("title", `${promptCache.savedUsd} USD (exact, vs. the plain input price)`);
  await shot(page, "prompt-cache-detail");

  await page.goto("/overview");
  await expect(page.getByTestId("stat-cache-hit-ratio")).not.toHaveText("0%");
  await expect(page.getByTestId("stat-prompt-cache-saved")).toContainText("$");
});
