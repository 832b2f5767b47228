import { expect, test } from "@playwright/test";
import { signInAsOwner } from "../support/console-session";
import { adminHeaders, createKey, ledgerRow } from "../support/gateway-client";

/**
 * The Policies page: the owner writes an EU-residency rule (for callers in the EU) and a block rule for card numbers,
 * then tries both in "Test a prompt" (screenshots in test-results/). Cleans up after itself through the admin API.
 */
test("write an EU-residency rule and a card-number block rule, and try both in the simulator", async ({ page, request }) => {
  const tag = Math.random().toString(36).slice(2, 8);
  const euModel = `eu-chat-${tag}`;
  const connections = await (await request.get("/api/admin/providers", { headers: adminHeaders() })).json();
  const openai = connections.find((connection: { name: string }) => connection.name === "openai");
  expect((await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: euModel, connection_id: openai.id, upstream_model: "gpt-4o-mini", region: "eu-west-1", price: { input: "1", output: "2" } } })).status()).toBe(201);
  const ruleName = `Block card numbers ${tag}`;
  try {
    await signInAsOwner(page);
    await page.getByRole("link", { name: "Policies" }).click();
    await expect(page.getByRole("heading", { name: "Policies" })).toBeVisible();

    const residency = page.getByRole("form", { name: "Data residency" });
    await residency.getByLabel("Allowed model regions").fill("eu");
    await residency.getByLabel("For callers in (empty: every caller)").fill("eu");
    await residency.getByRole("button", { name: "Save residency" }).click();
    await expect(residency.getByTestId("residency-status")).toHaveText("In force: eu for callers in eu");

    await page.getByRole("button", { name: "Add rule" }).click();
    const dialog = page.getByRole("dialog", { name: "Add policy rule" });
    await dialog.getByLabel("Name", { exact: true }).fill(ruleName);
    await dialog.getByLabel("Action", { exact: true }).selectOption("block");
    await dialog.getByLabel("Payment card (Luhn)").check();
    // A backreference is refused at save time, on the field.
    await dialog.getByLabel("Patterns (one per line, name: regex)").fill("repeat: (\\w+) \\1");
    await dialog.getByRole("button", { name: "Save rule" }).click();
    await expect(dialog.getByRole("alert").first()).toContainText("RE2 cannot compile this pattern");
    await dialog.getByLabel("Patterns (one per line, name: regex)").fill("");
    await dialog.getByRole("button", { name: "Save rule" }).click();
    await expect(dialog).toBeHidden();
    const row = page.getByTestId("policy-row").filter({ hasText: ruleName });
    await expect(row).toContainText("prompt contains Payment card (Luhn)");
    await expect(row).toContainText("Block");

    const simulator = page.getByRole("region", { name: "Test a prompt" });
    await simulator.getByLabel("Prompt", { exact: true }).fill("Please charge my card 4111 1111 1111 1111");
    await simulator.getByLabel("Model", { exact: true }).selectOption(euModel);
    await simulator.getByRole("button", { name: "Test" }).click();
    const result = simulator.getByTestId("simulator-result");
    await expect(result).toContainText("refused 403");
    await expect(simulator.getByTestId("simulator-error")).toContainText(`Request blocked by policy rule "${ruleName}"`);
    await expect(result.getByTestId("fired-rule").filter({ hasText: ruleName })).toContainText("payment_card");
    await page.screenshot({ path: "test-results/console-policies-blocked.png", fullPage: true });

    await simulator.getByLabel("Prompt", { exact: true }).fill("Hello from Paris");
    await simulator.getByLabel("Model", { exact: true }).selectOption("gpt-4o-mini");
    await simulator.getByLabel("Caller region (as the trusted proxy sends it)").fill("eu-west-3");
    await simulator.getByRole("button", { name: "Test" }).click();
    await expect(simulator.getByTestId("simulator-error")).toContainText("data residency");
    await simulator.getByLabel("Model", { exact: true }).selectOption(euModel);
    await simulator.getByRole("button", { name: "Test" }).click();
    await expect(result).toContainText("admitted");
    await expect(simulator.getByTestId("simulator-request")).toContainText("Hello from Paris");
    await page.screenshot({ path: "test-results/console-policies.png", fullPage: true });

    // A real request with a card number: refused, and the decision shows on the request detail.
    const key = await createKey(request);
    let requestId = "";
    for (let attempt = 0; attempt < 50 && !requestId; attempt++) {
      const sent = await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key.key}` }, data: { model: euModel, messages: [{ role: "user", content: "card 4111 1111 1111 1111" }] } });
      if (sent.status() === 403) requestId = sent.headers()["x-request-id"];
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(requestId).not.toBe("");
    await ledgerRow(request, requestId);
    await page.goto(`/requests/${requestId}`);
    await expect(page.getByTestId("policy-outcome")).toHaveText("blocked");
    await expect(page.getByTestId("request-policy")).toContainText(ruleName);
    await expect(page.getByTestId("request-policy")).toContainText("payment_card");
    await expect(page.getByTestId("request-policy")).not.toContainText("4111");
    await page.screenshot({ path: "test-results/console-policies-request.png", fullPage: true });
  } finally {
    const listed = await (await request.get("/api/admin/policies", { headers: adminHeaders() })).json();
    for (const rule of listed.rules.filter((entry: { name: string }) => entry.name === ruleName)) await request.delete(`/api/admin/policies/${rule.id}`, { headers: adminHeaders() });
    await request.put("/api/admin/policies/residency", { headers: adminHeaders(), data: { regions: null } });
  }
});
