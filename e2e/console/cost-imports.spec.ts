import { expect, test } from "@playwright/test";
import { signInAsOwner, shot } from "../support/console-session";
import { startFakeAnthropicCostReport, FAKE_ANTHROPIC_ADMIN_KEY } from "../fakes/anthropic-cost-report-fake";

/**
 * Provider cost figures on the Invoices page: the owner adds Anthropic's admin key (pointed at the cost-report fake),
 * imports now, and sees the imported days against the gateway's cost with the drift alert (screenshot in test-results/).
 */
test("an admin key, Import now, and the provider's days against the gateway's cost with their alert", async ({ page }) => {
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const yesterday = new Date(today - 86_400_000).toISOString().slice(0, 10);
  const fake = await startFakeAnthropicCostReport({ [yesterday]: [{ name: "Claude Haiku 4.5 Usage - Input Tokens", amount: "3.217" }] });
  try {
    await signInAsOwner(page);
    await page.goto("/invoices");
    const section = page.getByTestId("cost-drift");
    const form = page.getByRole("form", { name: "Set a provider cost API" });
    await form.getByLabel("Provider", { exact: true }).selectOption("anthropic");
    await form.getByLabel("Admin key").fill(FAKE_ANTHROPIC_ADMIN_KEY);
    await form.getByLabel("Base URL (optional)").fill(`${fake.url}/v1`);
    await form.getByRole("button", { name: "Save cost API" }).click();
    const row = page.getByTestId("cost-source-anthropic");
    await expect(row).toContainText("…6789");
    await row.getByRole("button", { name: "Import now" }).click();
    await expect(row).toContainText("days imported");
    await section.getByTestId("drift-month").fill(yesterday.slice(0, 7));
    await expect(page.getByTestId(`drift-anthropic-${yesterday}`)).toContainText("$3.217");
    await expect(page.getByTestId("drift-alerts")).toContainText(`anthropic ${yesterday}`);
    await expect(page.getByText(FAKE_ANTHROPIC_ADMIN_KEY)).toHaveCount(0);
    await shot(page, "console-cost-imports");
  } finally {
    await fake.close();
  }
});
