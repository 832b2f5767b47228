import { expect, test } from "@playwright/test";
import { signInAsOwner, shot } from "../support/console-session";
import { adminHeaders, createKey, ledgerRow } from "../support/gateway-client";

/**
 * Budgets in the console: the owner creates a team's monthly budget with an 80 % alert on the Budgets page, a request
 * through a key of that team spends from it, and the row, the detail (burn-down, alerts) and the team page show it
 * (screenshots in test-results/).
 */
test("a team's monthly budget with an 80 % alert, spent by a request, shown on the Budgets and team pages", async ({ page, request }) => {
  const teamName = `budgeted-${Date.now()}`;
  const team = await (await request.post("/api/admin/teams", { headers: adminHeaders(), data: { name: teamName } })).json();
  const keyName = `budget-key-${Date.now()}`;
  const key = await createKey(request, { name: keyName, team_id: team.id });
  await signInAsOwner(page);

  await page.goto("/budgets");
  await page.getByRole("button", { name: "Add budget" }).click();
  const dialog = page.getByRole("dialog", { name: "Add budget" });
  await dialog.getByLabel("Scope").selectOption("team");
  await dialog.getByLabel("Team", { exact: true }).selectOption({ label: teamName });
  await dialog.getByLabel("Limit (USD)").fill("0.00001");
  await dialog.getByLabel("Alert at (% of the limit)").fill("50, 80");
  await dialog.getByRole("button", { name: "Save budget" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByTestId("budget-row").filter({ hasText: teamName });
  await expect(row).toContainText(/monthly/i);
  await expect(row).toContainText("$0.00001");

  // One request through the team's key: $0.00000735 of $0.00001.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const response = await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key.key}` }, data: { model: "gpt-4o-mini", max_tokens: 10, messages: [{ role: "user", content: "hello" }] } });
  expect(response.status()).toBe(200);
  await ledgerRow(request, response.headers()["x-request-id"]);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("budget-row").filter({ hasText: teamName }).getByTestId("budget-spent")).toHaveText("$0.00000735");
  }).toPass({ timeout: 10_000 });

  await page.getByTestId("budget-row").filter({ hasText: teamName }).getByRole("button", { name: "Details" }).click();
  const detail = page.getByTestId("budget-detail");
  await expect(detail).toContainText("Forecast to period end");
  await expect(detail.getByRole("region", { name: "Burn-down" }).locator("svg.recharts-surface")).toBeVisible();
  // 73.5 % spent: the 50 % alert fires (within the 5 s alert pass), the 80 % one does not.
  // The open detail refreshes itself every 5 s.
  await expect(page.getByTestId("budget-alerts")).toContainText("50 % reached at $0.00000735", { timeout: 20_000 });
  await expect(page.getByTestId("budget-alerts")).not.toContainText("80 %");
  await shot(page, "budget-detail");

  await page.goto(`/teams/${team.id}`);
  const section = page.getByRole("region", { name: "Team budgets" });
  await expect(section.getByTestId("budget-row")).toContainText("$0.00000735");
  await shot(page, "team-budgets");

  // The key's page: its spend and its latest request; the team's budget is named as applying too.
  await page.goto("/keys");
  await page.getByRole("link", { name: keyName, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/keys/${key.id}$`));
  await expect(page.getByTestId("key-spend")).toHaveText("$0.00000735");
  await expect(page.getByTestId("key-request-row")).toHaveCount(1);
  await expect(page.getByRole("region", { name: "Key budgets" })).toContainText(`The team's budgets apply to this key too (see ${teamName})`);
  // The team's budget is listed there too, with what the key's request spent from it.
  await expect(page.getByRole("region", { name: "Key budgets" }).getByTestId("budget-row").filter({ hasText: teamName })).toContainText("$0.00000735");
  await shot(page, "key-detail");
});

test("the organization's budget on the overview", async ({ page, request }) => {
  // Narrowed to a model no other spec calls, so it changes nothing for specs running beside it.
  const created = await request.post("/api/admin/budgets", { headers: adminHeaders(), data: { scope: "org", model: "gpt-4.1-nano", period: "lifetime", limit_usd: "100000" } });
  expect(created.status()).toBe(201);
  const budget = await created.json();
  try {
    await signInAsOwner(page);
    const section = page.getByRole("region", { name: "Organization budgets" });
    await expect(section.getByTestId("budget-row")).toContainText(/\$100,?000/);
    await expect(section.getByTestId("budget-row")).toContainText("gpt-4.1-nano only");
    await expect(section.getByTestId("budget-row")).toContainText(/lifetime/i);
  } finally {
    await request.delete(`/api/admin/budgets/${budget.id}`, { headers: adminHeaders() });
  }
});
