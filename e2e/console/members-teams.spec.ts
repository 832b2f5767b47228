import { expect, test, type Page } from "@playwright/test";
import { e2eEnv } from "../support/e2e-env";

/**
 * Governance in the console: the owner invites a developer (a one-time link), the developer joins
 * in a browser of their own, the owner puts them in a team limited to one model, the developer
 * makes their own key for it, and the owner deactivates them with their keys revoked: the
 * developer's session ends at once.
 */

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/console-${name}.png`, fullPage: true });
}

async function signIn(page: Page) {
  const { adminEmail, adminPassword } = e2eEnv();
  await page.goto("/login");
  await page.getByLabel("Email").fill(adminEmail);
  await page.getByLabel("Password").fill(adminPassword);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/overview/, { timeout: 20_000 });
}

async function invite(page: Page, email: string): Promise<string> {
  await page.goto("/members");
  await page.getByRole("button", { name: "Invite member" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite member" });
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Role").selectOption("developer");
  await dialog.getByRole("button", { name: "Create invitation link" }).click();
  const created = page.getByRole("dialog", { name: `Invitation for ${email}` });
  await expect(created).toContainText("shown only once");
  const link = (await created.getByTestId("invitation-link").textContent())?.trim() ?? "";
  expect(link).toMatch(/\/invite\?token=mgi_/);
  await shot(page, "invitation-created");
  await created.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("invitation-row").filter({ hasText: email })).toContainText("pending");
  return link;
}

async function createTeam(page: Page, name: string, developerEmail: string): Promise<string> {
  await page.goto("/teams");
  await page.getByRole("button", { name: "Create team" }).click();
  const dialog = page.getByRole("dialog", { name: "Create team" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("checkbox", { name: "gpt-4o-mini", exact: true }).check();
  await dialog.getByRole("button", { name: "Create team" }).click();
  await expect(dialog).toBeHidden();
  await page.getByTestId("team-row").filter({ hasText: name }).getByRole("link", { name }).click();
  await expect(page).toHaveURL(/\/teams\/[0-9a-f-]{36}$/);
  await page.getByLabel("Add member").selectOption({ label: developerEmail });
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByTestId("team-member-row").filter({ hasText: developerEmail })).toBeVisible();
  return page.url();
}

test("console: invite a developer, a team, their own key, then deactivation ends their session", async ({ page, browser }) => {
  const stamp = Date.now();
  const email = `dev-${stamp}@e2e.test`;
  const teamName = `e2e-team-${stamp}`;
  await signIn(page);
  const link = await invite(page, email);

  // The invitee opens the link in a browser of their own.
  const invitee = await browser.newContext();
  const developer = await invitee.newPage();
  await developer.goto(link);
  await developer.getByLabel("Name").fill("E2E Developer");
  await developer.getByLabel("Password", { exact: true }).fill("developer-password-123");
  await developer.getByLabel("Confirm password").fill("developer-password-123");
  await developer.getByRole("button", { name: "Join" }).click();
  await expect(developer).toHaveURL(/\/overview/, { timeout: 20_000 });
  await expect(developer.getByTestId("user-role")).toHaveText("developer");
  const nav = developer.getByRole("navigation", { name: "Console" });
  await expect(nav.getByRole("link", { name: "Teams" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Members" })).toHaveCount(0);
  await expect(developer.getByTestId("scope-own-keys")).toBeVisible();

  // The link worked once.
  const again = await browser.newContext();
  const stranger = await again.newPage();
  await stranger.goto(link);
  await expect(stranger.getByTestId("invite-invalid")).toBeVisible();
  await again.close();

  const teamUrl = await createTeam(page, teamName, email);
  await shot(page, "team");

  // The developer's own key for their team: only the team's model is offered.
  await developer.goto("/keys");
  await developer.getByRole("button", { name: "Create key" }).click();
  const dialog = developer.getByRole("dialog", { name: "Create key" });
  await dialog.getByLabel("Name").fill("dev-team-key");
  await dialog.getByLabel("Team", { exact: true }).selectOption({ label: teamName });
  await expect(dialog.getByRole("checkbox")).toHaveCount(1);
  await dialog.getByRole("button", { name: "Create key" }).click();
  const created = developer.getByRole("dialog", { name: /created/ });
  await expect(created.getByTestId("created-key")).toHaveText(/^vk_/);
  await created.getByRole("button", { name: "Done" }).click();
  const keyRow = developer.getByTestId("key-row").filter({ hasText: "dev-team-key" });
  await expect(keyRow).toContainText(teamName);
  await expect(keyRow).toContainText("gpt-4o-mini");
  await expect(developer.getByTestId("key-row")).toHaveCount(1);
  await shot(developer, "developer-keys");

  // Deactivation, revoking their keys: the developer's next request is signed out.
  await page.goto("/members");
  const row = page.getByTestId("member-row").filter({ hasText: email });
  await row.getByRole("button", { name: `Deactivate ${email}` }).click();
  const confirm = page.getByRole("dialog", { name: "Deactivate member" });
  await expect(confirm.getByRole("button", { name: "Deactivate", exact: true })).toBeDisabled();
  await confirm.getByLabel(/Revoke them now/).check();
  await confirm.getByRole("button", { name: "Deactivate", exact: true }).click();
  await expect(confirm).toBeHidden();
  await expect(row.getByTestId("status-badge")).toHaveText("deactivated");
  await shot(page, "members");

  await developer.reload();
  await expect(developer).toHaveURL(/\/login/);
  await invitee.close();

  await page.goto(teamUrl);
  await expect(page.getByTestId("team-key-row").filter({ hasText: "dev-team-key" }).getByTestId("status-badge")).toHaveText("revoked");
});
