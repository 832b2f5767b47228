import { expect, test, type Page } from "@playwright/test";
import { e2eEnv } from "../support/e2e-env";
import { createKey, ledgerRow } from "../support/gateway-client";

/**
 * The response cache in the console: a hit's row carries the "cache hit" badge on Requests, its detail the mark and
 * the money saved, Overview counts hits and savings from the ledger, and Settings shows the org's default.
 */
async function signIn(page: Page, path: string) {
  const { adminEmail, adminPassword } = e2eEnv();
  await page.goto(`/login?callbackUrl=${encodeURIComponent(path)}`);
  await page.getByLabel("Email").fill(adminEmail);
  await page.getByLabel("Password").fill(adminPassword);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`${path.replace(/[?]/g, "\\?")}$`));
}

test("a cache hit on Requests, its detail and Overview; the default on Settings", async ({ page, request }) => {
  const key = await createKey(request, { response_cache: "key" });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const data = { model: "gpt-4o-mini", messages: [{ role: "user", content: `Console cache ${crypto.randomUUID()}` }] };
  const headers = { authorization: `Bearer ${key.key}` };
  const miss = await request.post("/v1/chat/completions", { headers, data });
  expect(miss.headers()["x-modelgate-cache"]).toBe("miss");
  await new Promise((resolve) => setTimeout(resolve, 300));
  const hit = await request.post("/v1/chat/completions", { headers, data });
  expect(hit.headers()["x-modelgate-cache"]).toBe("hit");
  const hitId = hit.headers()["x-request-id"];
  await ledgerRow(request, miss.headers()["x-request-id"]);
  await ledgerRow(request, hitId);

  await signIn(page, `/requests?key=${key.id}`);
  await expect(page.getByTestId("request-row")).toHaveCount(2);
  await expect(page.getByTestId("request-cache-hit")).toHaveCount(1);

  await page.goto(`/requests/${hitId}`);
  await expect(page.getByTestId("detail-cache")).toContainText("hit");
  await expect(page.getByTestId("detail-cost")).toHaveText("$0.00");
  await expect(page.getByTestId("detail-cache-saved")).toHaveText("$0.00000735");

  await page.goto("/overview");
  await expect(page.getByTestId("stat-cache-hits")).not.toHaveText("0");
  await expect(page.getByTestId("stat-cache-saved")).toContainText("saved");

  await page.goto("/settings");
  await expect(page.getByRole("region", { name: "Response cache" })).toBeVisible();
  await expect(page.getByTestId("cache-mode")).toHaveValue("off");
});
