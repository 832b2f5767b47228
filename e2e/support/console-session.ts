import { expect, type Page } from "@playwright/test";
import { e2eEnv } from "./e2e-env";

/** Signs the e2e owner in through the login form and waits for the console (the Overview page unless told). */
export async function signInAsOwner(page: Page, landing: RegExp = /\/overview/): Promise<void> {
  const { adminEmail, adminPassword } = e2eEnv();
  await page.goto("/login");
  await page.getByLabel("Email").fill(adminEmail);
  await page.getByLabel("Password").fill(adminPassword);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  // Password hashing (argon2) on a loaded 2-core machine can take seconds.
  await expect(page).toHaveURL(landing, { timeout: 20_000 });
}

/** A full-page screenshot in test-results/, to look at after a run. */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `test-results/console-${name}.png`, fullPage: true });
}
