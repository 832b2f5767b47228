import { expect, test } from "@playwright/test";
import { e2eEnv } from "../support/e2e-env";

/**
 * Sign-in follows the host the browser uses when PUBLIC_URL is not set (the global setup does not set it,
 * as a newcomer would not): opened by IP or by name, the user lands signed in on that same origin, never
 * bounced to another host's /login (issue 14: it used to land on http://localhost:3000/login, signed out).
 */
const port = new URL(e2eEnv().baseURL).port;

for (const host of ["127.0.0.1", "localhost"]) {
  test(`signs in on http://${host}:${port} and stays on that host`, async ({ browser }) => {
    const origin = `http://${host}:${port}`;
    const context = await browser.newContext({ baseURL: origin });
    const page = await context.newPage();
    const { adminEmail, adminPassword } = e2eEnv();
    await page.goto("/keys");
    await expect(page).toHaveURL(`${origin}/login?callbackUrl=%2Fkeys`);
    await page.getByLabel("Email").fill(adminEmail);
    await page.getByLabel("Password").fill(adminPassword);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(`${origin}/keys`);
    await expect(page.getByTestId("user-email")).toHaveText(adminEmail);
    await page.reload();
    await expect(page).toHaveURL(`${origin}/keys`);
    await context.close();
  });
}
