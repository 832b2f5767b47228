import { expect, test, type Page } from "@playwright/test";
import { e2eEnv } from "../support/e2e-env";

/**
 * The console end to end: sign in, add a provider and test it, add a priced model, create a key
 * restricted to it, call the gateway with that key, then find the request in the ledger, its
 * detail (tokens and exact cost) and the overview totals.
 */

const FAKE_OPENAI_KEY = "sk-fake-openai-0123456789";

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/console-${name}.png`, fullPage: true });
}

async function signIn(page: Page) {
  const { adminEmail, adminPassword } = e2eEnv();
  await page.goto("/login");
  await shot(page, "login");
  await page.getByLabel("Email").fill(adminEmail);
  await page.getByLabel("Password").fill(adminPassword);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/overview/, { timeout: 20_000 });
  await expect(page.getByTestId("user-email")).toHaveText(adminEmail);
}

async function addProvider(page: Page) {
  await page.goto("/providers");
  await page.getByRole("button", { name: "Add provider" }).click();
  const dialog = page.getByRole("dialog", { name: "Add provider" });
  await dialog.getByLabel("Kind").selectOption("openai");
  await dialog.getByLabel("Name").fill("e2e-openai");
  await dialog.getByLabel("Base URL").fill(`${e2eEnv().fakeOpenAIUrl}/v1`);
  await dialog.getByLabel("API key").fill(FAKE_OPENAI_KEY);
  await dialog.getByRole("button", { name: "Add provider" }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByTestId("provider-row").filter({ hasText: "e2e-openai" });
  await expect(row).toContainText("••••6789");
  await row.getByRole("button", { name: "Test connection e2e-openai" }).click();
  const result = page.getByTestId("test-result");
  await expect(result).toContainText("ok");
  await expect(result).toContainText("HTTP 200");
  await shot(page, "providers");
}

async function addModel(page: Page) {
  await page.goto("/models");
  await page.getByRole("button", { name: "Add model" }).click();
  const dialog = page.getByRole("dialog", { name: "Add model" });
  await dialog.getByLabel("Name").fill("e2e-mini");
  await dialog.getByLabel("Connection").selectOption({ label: "e2e-openai (openai)" });
  await dialog.getByLabel("Upstream model").fill("gpt-4o-mini");
  await dialog.getByLabel("Input $ / 1M", { exact: true }).fill("0.15");
  await dialog.getByLabel("Output $ / 1M", { exact: true }).fill("0.60");
  await dialog.getByRole("button", { name: "Add model" }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByTestId("model-row").filter({ hasText: "e2e-mini" });
  await expect(row).toContainText("e2e-openai");
  await expect(row).toContainText("$0.15");
  await expect(row).toContainText("$0.60");
  await shot(page, "models");
}

async function createKey(page: Page): Promise<string> {
  await page.goto("/keys");
  await page.getByRole("button", { name: "Create key" }).click();
  const dialog = page.getByRole("dialog", { name: "Create key" });
  await dialog.getByLabel("Name").fill("e2e-console-key");
  await dialog.getByRole("checkbox", { name: "e2e-mini", exact: true }).check();
  await dialog.getByRole("button", { name: "Create key" }).click();

  const created = page.getByRole("dialog", { name: /created/ });
  await expect(created).toContainText("shown only once");
  const key = (await created.getByTestId("created-key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^vk_[A-Za-z0-9_-]{40,}$/);
  await shot(page, "key-created");
  await created.getByRole("button", { name: "Done" }).click();

  const row = page.getByTestId("key-row").filter({ hasText: "e2e-console-key" });
  await expect(row).toContainText("e2e-mini");
  await expect(row).toContainText("active");
  await expect(row).toContainText(`${key.slice(0, 11)}…`);
  await shot(page, "keys");
  return key;
}

test("console: provider, model, key, a request, and its cost in the ledger", async ({ page, request }) => {
  const { baseURL } = e2eEnv();
  await signIn(page);
  await addProvider(page);
  await addModel(page);
  const key = await createKey(page);

  const response = await request.post(`${baseURL}/v1/chat/completions`, {
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    data: { model: "e2e-mini", messages: [{ role: "user", content: "Hello from the console spec" }] },
  });
  expect(response.status()).toBe(200);

  // Ledger rows are written in batches off the response path: refresh until the row shows.
  await page.goto("/requests");
  await page.getByLabel("Model").selectOption("e2e-mini");
  const row = page.getByTestId("request-row").filter({ hasText: "e2e-mini" }).first();
  await expect(async () => {
    await page.getByRole("button", { name: "Refresh" }).click();
    await expect(row).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(row.getByTestId("status-badge")).toHaveText("success");
  await expect(row).toContainText("21 / 7");
  await expect(row).toContainText("$0.00000735");
  await shot(page, "requests");

  await row.getByRole("link").click();
  await expect(page).toHaveURL(/\/requests\/.+/);
  await expect(page.getByTestId("detail-requested-model")).toHaveText("e2e-mini");
  await expect(page.getByTestId("detail-input-tokens")).toHaveText("21");
  await expect(page.getByTestId("detail-output-tokens")).toHaveText("7");
  await expect(page.getByTestId("detail-cost")).toHaveText("$0.00000735");
  await shot(page, "request-detail");

  await page.goto("/overview");
  const requests = page.getByTestId("stat-requests");
  await expect(requests).not.toHaveText("0");
  expect(Number((await requests.textContent())?.replace(/,/g, ""))).toBeGreaterThanOrEqual(1);
  const cost = page.getByTestId("stat-cost");
  await expect(cost).toHaveText(/^(<)?\$\d/);
  await expect(cost).not.toHaveText("$0.00");
  await expect(page.getByTestId("chart-cost")).toBeVisible();
  await expect(page.getByTestId("stat-latency-p99")).toHaveText(/^p99 \d[\d,.]* (ms|s) · whole request$/);
  // Time to first token from the same rollups (every request above had one: the fake answers at once).
  await expect(page.getByTestId("stat-ttft")).toHaveText(/^\d[\d,.]* (ms|s) \/ \d[\d,.]* (ms|s)$/);
  await expect(page.getByTestId("stat-ttft-p99")).toHaveText(/^p99 \d[\d,.]* (ms|s) · streams: first token$/);
  // Where the cost goes: the largest models of the range (the e2e app is shared, so ours may not be among them), each
  // with its exact cost and a link to its requests.
  const topModel = page.getByTestId("breakdown-model").getByTestId("breakdown-row").first();
  await expect(topModel).toContainText("$");
  const topModelName = (await topModel.getByRole("link").first().textContent())!;
  // Cost over time, stacked by the largest groups: a series per model, and per provider when asked.
  const costBy = page.getByTestId("chart-cost-by");
  await expect(costBy.locator(".recharts-legend-item").filter({ hasText: topModelName })).toBeVisible();
  await costBy.getByLabel("Cost over time by").selectOption("provider");
  await expect(costBy.locator(".recharts-legend-item").first()).toBeVisible();
  // Top users: the members whose keys spent the most; one links to that member's keys.
  const topOwner = page.getByTestId("breakdown-owner").getByTestId("breakdown-row").first();
  await expect(topOwner).toContainText("$");
  await shot(page, "overview");
  // The range is kept in the URL, so the view can be shared.
  await page.getByRole("radio", { name: "7d", exact: true }).click();
  await expect(page).toHaveURL(/[?&]range=7d/);
  await page.reload();
  await expect(page.getByRole("radio", { name: "7d", exact: true })).toHaveAttribute("aria-checked", "true");
  const weekTop = (await topModel.getByRole("link").first().textContent())!;
  await topModel.getByRole("link").first().click();
  await expect.poll(() => new URL(page.url()).searchParams.get("model")).toBe(weekTop);
  expect(new URL(page.url()).pathname).toBe("/requests");
  await expect(page.getByTestId("request-row").first()).toBeVisible();
  // A member's keys, from the top users' link.
  await page.goto("/overview");
  const ownerLink = page.getByTestId("breakdown-owner").getByTestId("breakdown-row").getByRole("link").first();
  await ownerLink.click();
  await expect(page).toHaveURL(/\/keys\?owner=/);
  await expect(page.getByTestId("keys-owner-filter")).toBeVisible();
  await expect(page.getByTestId("key-row").first()).toBeVisible();
  const members = new Set((await page.getByTestId("key-row").locator("td:nth-child(4)").allTextContents()).map((cell) => cell.trim()));
  expect(members.size).toBe(1);
  expect([...members][0]).toMatch(/@/);
  await shot(page, "keys-of-one-member");
});
