import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { e2eEnv } from "../support/e2e-env";
import { adminHeaders } from "../support/gateway-client";

/**
 * The Audit log page: a change made through the admin API shows up with its source, filters
 * narrow the list (and stay in the URL), before/after render as text (a name full of markup runs
 * nothing), and the CSV export downloads exactly the filtered rows.
 */

async function signIn(page: Page) {
  const { adminEmail, adminPassword } = e2eEnv();
  await page.goto("/login?callbackUrl=%2Faudit");
  await page.getByLabel("Email").fill(adminEmail);
  await page.getByLabel("Password").fill(adminPassword);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/audit$/);
}

test("audit log: filter, read a change, export it as CSV", async ({ page, request }) => {
  const name = `=audit-${Date.now()}<img src=x onerror=alert(1)>`;
  const created = await request.post("/api/admin/teams", { headers: adminHeaders(), data: { name } });
  expect(created.status()).toBe(201);
  const team = (await created.json()) as { id: string };
  let sawDialog = false;
  page.on("dialog", (dialog) => {
    sawDialog = true;
    void dialog.dismiss();
  });

  await signIn(page);
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await expect(page.getByTestId("audit-row").first()).toBeVisible();
  await page.getByLabel("Action").fill("team.create");
  await page.getByLabel("Source").selectOption("admin_api");
  const row = page.getByTestId("audit-row").filter({ hasText: team.id });
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("audit-source")).toHaveText("Admin API");
  await expect(row).toContainText("GATEWAY_ADMIN_KEY");
  await row.getByRole("button", { name: "Show" }).click();
  await expect(page.getByTestId("audit-detail")).toContainText(`"name": "${name}"`);
  await expect(page).toHaveURL(/\?action=team\.create&source=admin_api$/);
  await page.screenshot({ path: "test-results/console-audit.png", fullPage: true });

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("audit-export").click()]);
  expect(download.suggestedFilename()).toMatch(/^modelgate-audit-[\d-]+\.csv$/);
  const csv = readFileSync((await download.path())!, "utf8");
  const lines = csv.trimEnd().split("\n");
  expect(lines[0]).toBe("time,actor,actor_name,source,action,target_type,target_id,before,after");
  expect(lines.slice(1).every((line) => line.includes(",admin_api,team.create,team,"))).toBe(true);
  expect(lines.find((line) => line.includes(team.id))).toContain(`""name"":""=audit-`);
  expect(sawDialog).toBe(false);

  await expect(page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Audit log" })).toBeVisible();
});
