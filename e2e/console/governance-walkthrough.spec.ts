import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { signInAsOwner, shot } from "../support/console-session";
import { adminHeaders, ledgerRow } from "../support/gateway-client";

/**
 * Issue 9's "Done when", in the console: the owner invites a finance user and a developer, creates a team with a
 * monthly budget and an 80 % alert to a webhook, the developer makes a key under it (a caller in the EU), the owner
 * gives it a rate limit, writes an EU-residency rule (a reroute for EU callers), a block rule for card numbers and
 * tries both in the simulator; requests are then admitted, rerouted, blocked and refused over budget, each decision
 * is on the request's page, the webhook gets the 80 % alert, and finance sees every change in the audit log.
 * The EU model is set up through the admin API (models have their own console tests). Cleans up org-wide rules.
 */
test.setTimeout(240_000);

async function invite(page: Page, email: string, role: "finance" | "developer"): Promise<string> {
  await page.goto("/members");
  await page.getByRole("button", { name: "Invite member" }).click();
  const dialog = page.getByRole("dialog", { name: "Invite member" });
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Role").selectOption(role);
  await dialog.getByRole("button", { name: "Create invitation link" }).click();
  const created = page.getByRole("dialog", { name: `Invitation for ${email}` });
  const link = (await created.getByTestId("invitation-link").textContent())?.trim() ?? "";
  expect(link).toMatch(/\/invite\?token=mgi_/);
  await created.getByRole("button", { name: "Done" }).click();
  return link;
}

async function join(browser: Browser, link: string, name: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(link);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Password", { exact: true }).fill("walkthrough-password-123");
  await page.getByLabel("Confirm password").fill("walkthrough-password-123");
  await page.getByRole("button", { name: "Join" }).click();
  await expect(page).toHaveURL(/\/overview/, { timeout: 20_000 });
  return page;
}

test("the governance walkthrough: members, a budgeted team, a limited key, residency and card rules, each decision seen", async ({ page, browser, request }) => {
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;
  const euModel = `eu-walk-${tag}`;
  const teamName = `Payments ${tag}`;
  const blockName = `Block card numbers ${tag}`;
  const rerouteName = `EU callers stay in the EU ${tag}`;
  const hooks: { threshold: number; budget: { scope: string } }[] = [];
  const hook = http.createServer((incoming, response) => {
    let body = "";
    incoming.on("data", (chunk) => (body += chunk));
    incoming.on("end", () => {
      hooks.push(JSON.parse(body));
      response.statusCode = 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/budget-alerts`;
  const connections = await (await request.get("/api/admin/providers", { headers: adminHeaders() })).json();
  const openai = connections.find((connection: { name: string }) => connection.name === "openai");
  expect((await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: euModel, connection_id: openai.id, upstream_model: "gpt-4o-mini", region: "eu-west-1", price: { input: "0.15", output: "0.60" } } })).status()).toBe(201);

  try {
    await signInAsOwner(page);
    // Members: a finance user and a developer, each joining from a one-time link in a browser of their own.
    const financeEmail = `finance-${tag}@walk.test`;
    const developerEmail = `dev-${tag}@walk.test`;
    const finance = await join(browser, await invite(page, financeEmail, "finance"), "Walk Finance");
    await expect(finance.getByTestId("user-role")).toHaveText("finance");
    const developer = await join(browser, await invite(page, developerEmail, "developer"), "Walk Developer");
    await expect(developer.getByTestId("user-role")).toHaveText("developer");

    // A team with the developer in it.
    await page.goto("/teams");
    await page.getByRole("button", { name: "Create team" }).click();
    const teamDialog = page.getByRole("dialog", { name: "Create team" });
    await teamDialog.getByLabel("Name").fill(teamName);
    await teamDialog.getByRole("button", { name: "Create team" }).click();
    await expect(teamDialog).toBeHidden();
    await page.getByTestId("team-row").filter({ hasText: teamName }).getByRole("link", { name: teamName }).click();
    await page.getByLabel("Add member").selectOption({ label: developerEmail });
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByTestId("team-member-row").filter({ hasText: developerEmail })).toBeVisible();

    // Its monthly budget: $0.00003 (four requests at $0.00000735), alerting at 80 % to the webhook.
    await page.goto("/budgets");
    await page.getByRole("button", { name: "Add budget" }).click();
    const budgetDialog = page.getByRole("dialog", { name: "Add budget" });
    await budgetDialog.getByLabel("Scope").selectOption("team");
    await budgetDialog.getByLabel("Team", { exact: true }).selectOption({ label: teamName });
    await budgetDialog.getByLabel("Period").selectOption("monthly");
    await budgetDialog.getByLabel("Limit (USD)").fill("0.00003");
    await budgetDialog.getByLabel("Alert at (% of the limit)").fill("80");
    await budgetDialog.getByLabel("Alert webhook (optional)").fill(hookUrl);
    await budgetDialog.getByRole("button", { name: "Save budget" }).click();
    await expect(budgetDialog).toBeHidden();
    await expect(page.getByTestId("budget-row").filter({ hasText: teamName })).toContainText("$0.00003");

    // The developer's key: under the team (preselected), a caller in the EU.
    await developer.goto("/keys");
    await developer.getByRole("button", { name: "Create key" }).click();
    const keyDialog = developer.getByRole("dialog", { name: "Create key" });
    await keyDialog.getByLabel("Name").fill(`walk-key-${tag}`);
    await expect(keyDialog.getByLabel("Team", { exact: true })).toHaveValue(/[0-9a-f-]{36}/);
    await expect(keyDialog.getByLabel("Team", { exact: true }).locator("option:checked")).toHaveText(teamName);
    await keyDialog.getByLabel("Region (optional)").fill("eu-west-3");
    await keyDialog.getByRole("button", { name: "Create key" }).click();
    const createdKey = developer.getByRole("dialog", { name: /created/ });
    const secret = ((await createdKey.getByTestId("created-key").textContent()) ?? "").trim();
    expect(secret).toMatch(/^vk_/);
    await createdKey.getByRole("button", { name: "Done" }).click();

    // The owner gives the key a rate limit from the keys table.
    const keyName = `walk-key-${tag}`;
    await page.goto("/keys");
    const keyRow = page.getByTestId("key-row").filter({ hasText: keyName });
    await keyRow.getByRole("button", { name: `Rate limit of ${keyName}` }).click();
    const limitDialog = page.getByRole("dialog", { name: `Rate limit: ${keyName}` });
    await limitDialog.getByLabel("Requests per minute").fill("60");
    await limitDialog.getByRole("button", { name: "Save limit" }).click();
    await expect(limitDialog).toBeHidden();
    await expect(keyRow.getByTestId("key-rate-limit")).toHaveText("60 rpm");

    // Policies: EU residency for EU callers, a reroute that keeps them in the EU, and a card-number block.
    await page.goto("/policies");
    const residency = page.getByRole("form", { name: "Data residency" });
    await residency.getByLabel("Allowed model regions").fill("eu");
    await residency.getByLabel("For callers in (empty: every caller)").fill("eu");
    await residency.getByRole("button", { name: "Save residency" }).click();
    await expect(residency.getByTestId("residency-status")).toHaveText("In force: eu for callers in eu");
    for (const rule of [
      { name: blockName, action: "block", fill: async (dialog: ReturnType<Page["getByRole"]>) => dialog.getByLabel("Payment card (Luhn)").check() },
      {
        name: rerouteName,
        action: "reroute",
        fill: async (dialog: ReturnType<Page["getByRole"]>) => {
          await dialog.getByLabel("Reroute to model").selectOption(euModel);
          await dialog.getByLabel("Caller regions").fill("eu");
          await dialog.getByLabel("Model outside regions").fill("eu");
        },
      },
    ]) {
      await page.getByRole("button", { name: "Add rule" }).click();
      const dialog = page.getByRole("dialog", { name: "Add policy rule" });
      await dialog.getByLabel("Name", { exact: true }).fill(rule.name);
      await dialog.getByLabel("Action", { exact: true }).selectOption(rule.action);
      await rule.fill(dialog);
      await dialog.getByRole("button", { name: "Save rule" }).click();
      await expect(dialog).toBeHidden();
      await expect(page.getByTestId("policy-row").filter({ hasText: rule.name })).toBeVisible();
    }

    // Both rules in the simulator, as the developer's key.
    const simulator = page.getByRole("region", { name: "Test a prompt" });
    const callerKey = simulator.getByLabel("Caller key");
    await callerKey.selectOption((await callerKey.locator("option", { hasText: keyName }).getAttribute("value")) ?? "");
    await simulator.getByLabel("Prompt", { exact: true }).fill("Charge 4111 1111 1111 1111 please");
    await simulator.getByLabel("Model", { exact: true }).selectOption(euModel);
    await simulator.getByRole("button", { name: "Test" }).click();
    await expect(simulator.getByTestId("simulator-result")).toContainText("refused 403");
    await expect(simulator.getByTestId("simulator-error")).toContainText(blockName);
    await simulator.getByLabel("Prompt", { exact: true }).fill("Bonjour");
    await simulator.getByLabel("Model", { exact: true }).selectOption("gpt-4o-mini");
    await simulator.getByRole("button", { name: "Test" }).click();
    await expect(simulator.getByTestId("simulator-result")).toContainText("admitted");
    await expect(simulator.getByTestId("simulator-result")).toContainText(`goes to ${euModel}`);
    await shot(page, "walkthrough-simulator");

    // Requests with the developer's key.
    const send = (model: string, content: string) =>
      request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${secret}` }, data: { model, max_tokens: 10, messages: [{ role: "user", content }] } });
    // Admitted (once the gateway's snapshot has the key's rules: a few seconds at most).
    let admitted = await send(euModel, "hello");
    for (let attempt = 0; attempt < 50 && admitted.status() !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      admitted = await send(euModel, "hello");
    }
    expect(admitted.status()).toBe(200);
    expect(admitted.headers()["x-ratelimit-limit-requests"]).toBe("60");
    const rerouted = await send("gpt-4o-mini", "hello from Lyon");
    expect(rerouted.status()).toBe(200);
    const blocked = await send(euModel, "my card is 4111 1111 1111 1111");
    expect(blocked.status()).toBe(403);
    expect((await blocked.json()).error).toMatchObject({ code: "policy_violation", type: "permission_error" });
    // Until the budget refuses: "held" (retry shortly) while the last answers' costs are still settling, then exhausted.
    let overBudget = await send(euModel, "hello");
    let refusal = overBudget.status() === 429 ? await overBudget.json() : null;
    for (let attempt = 0; attempt < 20 && refusal?.error.code !== "budget_exceeded"; attempt++) {
      if (refusal?.error.code === "budget_held") await new Promise((resolve) => setTimeout(resolve, Number(overBudget.headers()["retry-after"]) * 1000));
      overBudget = await send(euModel, "hello");
      refusal = overBudget.status() === 429 ? await overBudget.json() : null;
    }
    expect(overBudget.status()).toBe(429);
    expect(refusal.error).toMatchObject({ type: "insufficient_quota", code: "budget_exceeded", message: "This key's team's monthly budget is exhausted." });

    // Each decision on its request's page.
    const ids = { admitted: admitted.headers()["x-request-id"], rerouted: rerouted.headers()["x-request-id"], blocked: blocked.headers()["x-request-id"], overBudget: overBudget.headers()["x-request-id"] };
    for (const id of Object.values(ids)) await ledgerRow(request, id);
    await page.goto(`/requests/${ids.rerouted}`);
    await expect(page.getByTestId("policy-outcome")).toHaveText("rerouted");
    await expect(page.getByTestId("request-policy")).toContainText(rerouteName);
    await shot(page, "walkthrough-rerouted");
    await page.goto(`/requests/${ids.blocked}`);
    await expect(page.getByTestId("policy-outcome")).toHaveText("blocked");
    await expect(page.getByTestId("request-policy")).toContainText(blockName);
    await expect(page.getByTestId("request-policy")).not.toContainText("4111");
    await page.goto(`/requests/${ids.overBudget}`);
    await expect(page.getByTestId("request-error")).toContainText("budget is exhausted");
    await page.goto(`/requests/${ids.admitted}`);
    await expect(page.getByTestId("policy-outcome")).toHaveText("allowed");

    // The 80 % alert reached the webhook (the alert pass runs every 5 s), and the budget shows it.
    await expect.poll(() => hooks.map((body) => body.threshold), { timeout: 20_000 }).toContain(0.8);
    expect(hooks.find((body) => body.threshold === 0.8)?.budget.scope).toBe("team");
    // And the console notifies: the alert on the overview.
    await page.goto("/overview");
    await expect(page.getByTestId("budget-alert-notice").filter({ hasText: "A team's monthly budget reached 80 %" }).first()).toContainText("webhook delivered");

    // Finance reads every change in the audit log.
    await finance.goto("/audit");
    const actions = finance.getByTestId("audit-action");
    for (const action of ["member.invite", "member.join", "team.create", "team.add_member", "budget.create", "key.create", "rate_limit.create", "policy_residency.update", "policy_rule.create"]) {
      await expect(actions.filter({ hasText: action }).first()).toBeVisible();
    }
    await shot(finance, "walkthrough-audit");
    await finance.context().close();
    await developer.context().close();
  } finally {
    await new Promise((resolve) => hook.close(resolve));
    const listed = await (await request.get("/api/admin/policies", { headers: adminHeaders() })).json();
    for (const rule of listed.rules.filter((entry: { name: string }) => entry.name === blockName || entry.name === rerouteName)) {
      await request.delete(`/api/admin/policies/${rule.id}`, { headers: adminHeaders() });
    }
    await request.put("/api/admin/policies/residency", { headers: adminHeaders(), data: { regions: null } });
  }
});
