import { expect, test, type Browser, type Page } from "@playwright/test";
import { e2eEnv } from "../support/e2e-env";
import { adminHeaders } from "../support/gateway-client";

/**
 * OpenID Connect sign-in through a real IdP (oidc-provider, started by the global setup with
 * the app's SSO_* pointing at it), in Chromium: the first sign-in provisions a viewer, a
 * disallowed domain is refused with a clear message, deactivation ends the SSO session and
 * refuses the next SSO sign-in, and each step is in the audit log with source "sso".
 */

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/console-${name}.png`, fullPage: true });
}

/** The IdP's development login form: any login name (used as the account's email), any password. */
async function signInAtIdp(page: Page, email: string) {
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await expect(page).toHaveURL(new RegExp(`^${e2eEnv().ssoIssuer}/`));
  await page.getByPlaceholder("Enter any login").fill(email);
  await page.getByPlaceholder("and password").fill("idp-password-not-checked");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

async function newPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

test("SSO: provisioned on first sign-in, refused outside the allowed domain, ended by deactivation", async ({ browser, request }) => {
  const stamp = Date.now();
  const email = `sso-${stamp}@${e2eEnv().ssoAllowedDomain}`;

  const page = await newPage(browser);
  await page.goto("/login");
  await expect(page.getByRole("button", { name: "Sign in with Test IdP" })).toBeVisible();
  await shot(page, "login-sso");
  await signInAtIdp(page, email);
  await expect(page).toHaveURL(/\/overview$/);
  await expect(page.getByTestId("user-email")).toHaveText(email);
  await expect(page.getByTestId("user-role")).toHaveText("viewer");

  // Another domain: refused, with the reason on the sign-in page.
  const outsider = await newPage(browser);
  await outsider.goto("/login");
  await signInAtIdp(outsider, `mallory-${stamp}@evil.test`);
  await expect(outsider).toHaveURL(/\/login\?error=sso_domain_not_allowed/);
  await expect(outsider.getByTestId("sign-in-error")).toHaveText("Accounts from @evil.test may not sign in with Test IdP. Ask an owner or admin for an invitation.");
  await shot(outsider, "login-sso-refused");

  // Deactivated: the open session ends at once, and SSO does not sign them in again.
  const members = (await (await request.get("/api/admin/members", { headers: adminHeaders() })).json()) as Array<{ id: string; email: string; role: string }>;
  const member = members.find((candidate) => candidate.email === email)!;
  expect(member.role).toBe("viewer");
  expect((await request.post(`/api/admin/members/${member.id}/deactivate`, { headers: adminHeaders(), data: { revoke_keys: false } })).status()).toBe(200);
  await page.reload();
  await expect(page).toHaveURL(/\/login/);
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await expect(page).toHaveURL(/\/login\?error=sso_deactivated/);
  await expect(page.getByTestId("sign-in-error")).toHaveText("Your account is deactivated. Ask an owner or admin to reactivate it.");

  const audit = (await (await request.get("/api/admin/audit?source=sso&limit=1000", { headers: adminHeaders() })).json()) as { data: Array<{ action: string; targetId: string | null; after: { email?: string; reason?: string } }> };
  const mine = audit.data.filter((row) => row.targetId === member.id || row.after?.email === email || row.after?.email === `mallory-${stamp}@evil.test`).reverse();
  expect(mine.map((row) => [row.action, row.after?.reason ?? null])).toEqual([
    ["member.provision", null],
    ["auth.sign_in", null],
    ["auth.sign_in_failed", "domain_not_allowed"],
    ["auth.sign_in_failed", "deactivated"],
  ]);
});
