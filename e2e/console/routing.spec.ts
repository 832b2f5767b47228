import { expect, test } from "@playwright/test";
import type { FakeUpstream } from "../fakes/common";
import { ROUTING_FAKE_API_KEY, startRoutingFake } from "../fakes/routing-fake";
import { signInAsOwner, shot } from "../support/console-session";
import { adminHeaders, createKey, ledgerRow } from "../support/gateway-client";

/**
 * Routing in the console: the owner creates a group over a failing and a healthy deployment on the Routing page,
 * a request fails over, its detail explains each decision, and an edit is undone from Versions (screenshots in
 * test-results/).
 */
let fake: FakeUpstream;
test.beforeAll(async () => {
  fake = await startRoutingFake();
});
test.afterAll(async () => {
  await fake?.close();
});

test("a group made in the console fails over, the request detail explains it, and Versions restores the first version", async ({ page, request }) => {
  const suffix = Date.now().toString(36);
  const connection = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "openai", name: `routing-console-${suffix}`, base_url: `${fake.url}/v1`, api_key: ROUTING_FAKE_API_KEY } });
  const connectionId = (await connection.json()).id;
  for (const [model, upstream] of [
    [`c-down-${suffix}`, `fail-console-${suffix}`],
    [`c-up-${suffix}`, `ok-console-${suffix}`],
  ]) {
    expect((await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: model, connection_id: connectionId, upstream_model: upstream, price: { input: "1", output: "2" } } })).status()).toBe(201);
  }
  const groupName = `chat-${suffix}`;
  await signInAsOwner(page);
  await page.goto("/routing");
  await page.getByRole("button", { name: "Add group" }).click();
  const dialog = page.getByRole("dialog", { name: "Add model group" });
  await dialog.getByLabel("Name (the model callers ask for)").fill(groupName);
  await dialog.getByLabel("Strategy").selectOption("priority");
  const rows = dialog.getByTestId("deployment-row");
  await rows.nth(0).getByLabel("Id").fill("down");
  await rows.nth(0).getByLabel("Model").selectOption(`c-down-${suffix}`);
  await dialog.getByRole("button", { name: "Add deployment" }).click();
  await rows.nth(1).getByLabel("Id").fill("up");
  await rows.nth(1).getByLabel("Model").selectOption(`c-up-${suffix}`);
  await rows.nth(1).getByLabel("Priority").fill("1");
  await shot(page, "routing-add-group");
  await dialog.getByRole("button", { name: "Create group" }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByTestId("group-row").filter({ hasText: groupName });
  await expect(row).toContainText("Priority with spill-over");
  await expect(row).toContainText(`up → c-up-${suffix}`);
  await shot(page, "routing-groups");

  const key = await createKey(request);
  const chat = () => request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key.key}` }, data: { model: groupName, messages: [{ role: "user", content: "hi" }] } });
  await expect.poll(async () => (await chat()).status(), { timeout: 5000 }).toBe(200);
  const response = await chat();
  expect(response.headers()["x-modelgate-deployment"]).toBe("up");
  const requestId = response.headers()["x-request-id"];
  await ledgerRow(request, requestId);
  await page.goto(`/requests/${requestId}`);
  const routing = page.getByTestId("request-routing");
  await expect(routing.getByTestId("routing-summary")).toHaveText(`served by up (c-up-${suffix}) on attempt 2`);
  const attempts = routing.getByTestId("routing-attempt");
  await expect(attempts).toHaveCount(2);
  await expect(attempts.nth(0)).toContainText("first choice (priority)");
  await expect(attempts.nth(0)).toContainText("upstream 500");
  await expect(attempts.nth(1)).toContainText("fallback after down: transient");
  await shot(page, "routing-request-detail");

  // The failing deployment now streams a usage chunk and then an error: that attempt was billed, so the request's
  // detail lists it as a child row beside its own cost, with the exact total.
  await fetch(`${fake.url}/__fake/mode`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: `fail-console-${suffix}`, mode: "usagefail" }) });
  const billed = await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key.key}` }, data: { model: groupName, stream: true, messages: [{ role: "user", content: "hi" }] } });
  expect(billed.headers()["x-modelgate-deployment"]).toBe("up");
  const billedId = billed.headers()["x-request-id"];
  await expect.poll(async () => ((await ledgerRow(request, billedId)).children as unknown[]).length, { timeout: 5000 }).toBe(1);
  await page.goto(`/requests/${billedId}`);
  const children = page.getByTestId("request-context");
  await expect(children.getByTestId("context-attempts")).toContainText("1 earlier attempt the provider billed");
  await expect(children.getByTestId("context-child")).toHaveCount(1);
  await expect(children.getByTestId("context-child")).toContainText(`billed attempt`);
  await expect(children.getByTestId("context-child")).toContainText(`fail-console-${suffix} (openai)`);
  await expect(children.getByTestId("context-total-cost").locator("span")).toHaveAttribute("title", "0.000070000000 USD (exact)");
  await shot(page, "routing-billed-attempt");

  await page.goto("/routing");
  await row.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: "Edit model group" });
  await edit.getByLabel("Strategy").selectOption("lowest_cost");
  await edit.getByLabel("Idle (ms)").fill("400");
  await edit.getByLabel("Total per attempt (ms)").fill("5000");
  await shot(page, "routing-edit-timeouts");
  await edit.getByRole("button", { name: "Save new version" }).click();
  await expect(edit).toBeHidden();
  const saved = await (await request.get("/api/admin/groups", { headers: adminHeaders() })).json();
  expect((saved.data ?? saved).find((group: { name: string }) => group.name === groupName).definition.timeouts).toEqual({ idle_ms: 400, total_ms: 5000 });
  await expect(row).toContainText("Lowest cost");
  await expect(row).toContainText("v2");
  await row.getByRole("button", { name: "Versions" }).click();
  const versions = page.getByRole("dialog", { name: `Versions of ${groupName}` });
  await expect(versions.getByTestId("group-version")).toHaveCount(2);
  await shot(page, "routing-versions");
  await versions.getByRole("button", { name: "Restore version 1" }).click();
  await expect(versions).toBeHidden();
  await expect(row).toContainText("Priority with spill-over");
  await expect(row).toContainText("v3");

  // An experiment on the group (made through the admin API), started from the console, shows results per variant.
  const experimentName = `ab-${suffix}`;
  const experiment = await request.post("/api/admin/experiments", {
    headers: adminHeaders(),
    data: { name: experimentName, model: groupName, variants: [{ name: "control", weight: 50, target: groupName }, { name: "direct", weight: 50, target: `c-up-${suffix}` }] },
  });
  expect(experiment.status()).toBe(201);
  await page.reload();
  const card = page.getByTestId("experiment").filter({ hasText: experimentName });
  await expect(card).toContainText("draft");
  await card.getByRole("button", { name: "Start" }).click();
  await expect(card).toContainText("running");
  await expect.poll(async () => (await chat()).headers()["x-modelgate-variant"], { timeout: 5000 }).toBeDefined();
  for (let user = 0; user < 10; user++) await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key.key}` }, data: { model: groupName, user: `u${user}`, messages: [{ role: "user", content: "hi" }] } });
  await expect
    .poll(async () => {
      await page.reload();
      return card.getByTestId("experiment-variant").filter({ hasText: "direct" }).textContent();
    }, { timeout: 10_000 })
    .toMatch(/50 %[1-9]/);
  await shot(page, "routing-experiments");
});
