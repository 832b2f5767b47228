import { expect, test, type APIRequestContext } from "@playwright/test";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "../fakes/anthropic-fake";
import type { FakeUpstream } from "../fakes/common";
import { signInAsOwner, shot } from "../support/console-session";
import { adminHeaders, createKey, fakeRequests, ledgerRow } from "../support/gateway-client";

/**
 * Provider prompt caching in the console (README "Provider prompt caching"): the request detail shows a request's
 * 1-hour cache writes, and the Settings page's default turns automatic breakpoints off for catalog models outside a
 * group (and back on: the setting is org-wide, so the test restores it at once).
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

test("the request detail shows the 1-hour cache writes of a group with ttl 1h", async ({ page, request }) => {
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
});

test("Settings: prompt caching off for models outside a group sends no automatic breakpoint; auto restores it", async ({ page, request }) => {
  const model = `sonnet-default-${suffix}`;
  await createModel(request, model);
  const { key } = await createKey(request);
  const sentSystem = async () => {
    const system = longSystem();
    const marker = system.slice(0, system.indexOf("\n"));
    const response = await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model, messages: [{ role: "system", content: system }, { role: "user", content: "Refunds?" }] } });
    expect(response.status()).toBe(200);
    return (await fakeRequests(fake.url)).filter((entry) => JSON.stringify(entry.body).includes(marker)).at(-1)!.body.system;
  };
  await expect.poll(async () => JSON.stringify(await sentSystem()), { timeout: 5000 }).toContain("cache_control");

  await signInAsOwner(page);
  await page.goto("/settings");
  const section = page.getByRole("region", { name: "Provider prompt caching" });
  await expect(section.getByLabel("Models outside a group")).toHaveValue("auto");
  try {
    await section.getByLabel("Models outside a group").selectOption("off");
    await section.getByRole("button", { name: "Save" }).click();
    await expect(section.getByRole("button", { name: "Save" })).toBeDisabled();
    await shot(page, "settings-prompt-cache-off");
    // The snapshot reloads on the change's notification: then the same kind of request goes out as the caller sent it.
    await expect.poll(async () => typeof (await sentSystem()), { timeout: 5000 }).toBe("string");
    await page.reload();
    await expect(section.getByLabel("Models outside a group")).toHaveValue("off");
  } finally {
    await section.getByLabel("Models outside a group").selectOption("auto");
    await section.getByRole("button", { name: "Save" }).click();
    await expect(section.getByRole("button", { name: "Save" })).toBeDisabled();
  }
  await expect.poll(async () => JSON.stringify(await sentSystem()), { timeout: 5000 }).toContain("cache_control");
});
