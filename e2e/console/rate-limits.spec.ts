import { expect, test } from "@playwright/test";
import { signInAsOwner, shot } from "../support/console-session";
import { adminHeaders, createKey } from "../support/gateway-client";

/**
 * Rate limits in the console: the owner sets a team's limit on the team page, a key's limit from the keys
 * table, and an end-user default on the Rate limits page; each shows where it applies (screenshots in test-results/).
 */
test("a team's, a key's and the end users' limits, set in the console", async ({ page, request }) => {
  const teamName = `limited-${Date.now()}`;
  const team = await (await request.post("/api/admin/teams", { headers: adminHeaders(), data: { name: teamName } })).json();
  const keyName = `limited-key-${Date.now()}`;
  const key = await createKey(request, { name: keyName, team_id: team.id });
  await signInAsOwner(page);

  await page.goto(`/teams/${team.id}`);
  const section = page.getByRole("region", { name: "Rate limit" });
  await expect(section.getByTestId("subject-rate-limit")).toHaveText("No limit");
  await section.getByRole("button", { name: "Set limit" }).click();
  const dialog = page.getByRole("dialog", { name: `Rate limit: ${teamName}` });
  await dialog.getByLabel("Requests per minute").fill("600");
  await dialog.getByLabel("Tokens per minute").fill("200000");
  await dialog.getByLabel("When Redis is unreachable").selectOption("closed");
  await dialog.getByRole("button", { name: "Save limit" }).click();
  await expect(dialog).toBeHidden();
  await expect(section.getByTestId("subject-rate-limit")).toHaveText("600 rpm · 200,000 tpm");
  await expect(section).toContainText("fails closed");
  await shot(page, "team-rate-limit");

  await page.goto("/keys");
  const row = page.getByTestId("key-row").filter({ hasText: keyName });
  await row.getByRole("button", { name: `Rate limit of ${keyName}` }).click();
  const keyDialog = page.getByRole("dialog", { name: `Rate limit: ${keyName}` });
  await keyDialog.getByLabel("Concurrent requests").fill("0");
  await keyDialog.getByRole("button", { name: "Save limit" }).click();
  await expect(keyDialog.getByRole("alert")).toContainText(/>0|greater/i);
  await keyDialog.getByLabel("Concurrent requests").fill("4");
  await keyDialog.getByLabel("Requests per minute").fill("60");
  await keyDialog.getByRole("button", { name: "Save limit" }).click();
  await expect(keyDialog).toBeHidden();
  await expect(row.getByTestId("key-rate-limit")).toHaveText("60 rpm · 4 concurrent");
  await shot(page, "keys-rate-limit");

  await page.goto("/rate-limits");
  await page.getByRole("button", { name: "Add limit" }).click();
  const add = page.getByRole("dialog", { name: "Add rate limit" });
  await add.getByLabel("Scope").selectOption("user");
  await add.getByLabel("Requests per minute").fill("20");
  await add.getByRole("button", { name: "Save limit" }).click();
  await expect(add).toBeHidden();
  const rows = page.getByTestId("rate-limit-row");
  await expect(rows.filter({ hasText: teamName })).toContainText("fail closed");
  await expect(rows.filter({ hasText: "each end user without its own limit" })).toContainText("20");
  await expect(page.getByTestId("limiter-status")).toContainText("counting in-process");
  await shot(page, "rate-limits-page");

  // The gateway enforces what the console set.
  const answer = await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key.key}` }, data: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] } });
  expect(answer.headers()["x-ratelimit-limit-requests"]).toBeDefined();
});
