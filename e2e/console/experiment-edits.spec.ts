import { expect, test } from "@playwright/test";
import type { FakeUpstream } from "../fakes/common";
import { ROUTING_FAKE_API_KEY, startRoutingFake } from "../fakes/routing-fake";
import { shot, signInAsOwner } from "../support/console-session";
import { adminHeaders, createKey } from "../support/gateway-client";

/**
 * Scope, edits and versions in the console (README "A/B experiments"): the owner creates an experiment limited to one
 * key with bandit mode on, edits its weights and guardrails from the experiment page, and restores the first version.
 * The experiment page fits the 1400 px viewport (no horizontal scroll of the page). Screenshots in test-results/.
 */
let fake: FakeUpstream;
test.beforeAll(async () => {
  fake = await startRoutingFake();
});
test.afterAll(async () => {
  await fake?.close();
});

test("create a scoped bandit experiment, edit it, restore version 1; the page fits 1400 px", async ({ page, request }) => {
  const suffix = `xe${Date.now().toString(36)}`;
  const connection = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "openai", name: `exp-edit-${suffix}`, base_url: `${fake.url}/v1`, api_key: ROUTING_FAKE_API_KEY } });
  const connectionId = (await connection.json()).id;
  for (const model of [`xe-a-${suffix}`, `xe-b-${suffix}`]) {
    expect((await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: model, connection_id: connectionId, upstream_model: `ok-${model}`, price: { input: "1", output: "2" } } })).status()).toBe(201);
  }
  const scopedKeyName = `scoped-${suffix}`;
  const scoped = await createKey(request, { name: scopedKeyName });

  await signInAsOwner(page);
  await page.goto("/experiments");
  await page.getByRole("button", { name: "New experiment" }).click();
  const dialog = page.getByRole("dialog", { name: "New experiment" });
  await dialog.getByLabel("Name", { exact: true }).fill(`scoped ${suffix}`);
  await dialog.getByLabel("Split the traffic of").selectOption(`xe-a-${suffix}`);
  await dialog.getByLabel("Variant 1 target").selectOption(`xe-a-${suffix}`);
  await dialog.getByLabel("Variant 2 target").selectOption(`xe-b-${suffix}`);
  await dialog.getByRole("group", { name: "Scope keys" }).getByLabel(new RegExp(scopedKeyName)).check();
  await dialog.getByLabel("Bandit reward").selectOption("success");
  await dialog.getByLabel("Minimum share per variant (%)").fill("15");
  await shot(page, "experiment-create-scoped");
  await dialog.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").at(-1)!;
  await expect(page.getByTestId("experiment-settings")).toContainText("Version 1 · scope: 1 key and 0 teams · bandit: Thompson sampling on success, at least 15 % per variant");
  const created = await (await request.get(`/api/admin/experiments/${id}`, { headers: adminHeaders() })).json();
  expect(created.scope).toEqual({ key_ids: [scoped.id], team_ids: [] });
  expect(created.bandit).toEqual({ reward: "success", min_share: 15 });

  // Running, the table has its Decide column too; it fits the 1400 px viewport without scrolling, the page neither.
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByTestId("experiment-status")).toHaveText("running");
  await expect(page.getByRole("button", { name: "Roll back b" })).toBeVisible();
  await expect(page.getByTestId("experiment-version")).toHaveCount(1);
  const widths = await page.getByRole("table", { name: "Results per variant" }).evaluate((table) => ({ table: table.scrollWidth, box: table.parentElement!.clientWidth, page: document.documentElement.scrollWidth }));
  await shot(page, "experiment-page-1400");
  expect(widths.page).toBeLessThanOrEqual(1400);
  expect(widths.table).toBeLessThanOrEqual(widths.box);

  // Edit: bandit off, new weights and an error-rate guardrail; a new version.
  await page.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: "Edit experiment" });
  await edit.getByLabel("Bandit reward").selectOption("");
  await edit.getByLabel("control weight").fill("70");
  await edit.getByLabel("b weight").fill("40");
  await edit.getByRole("button", { name: "Save as a new version" }).click();
  await expect(edit.getByText("weights: the weights add up to 110, not 100")).toBeVisible();
  await edit.getByLabel("b weight").fill("30");
  await edit.getByLabel("Max error rate (%)").fill("25");
  await edit.getByLabel("Note (kept with the version)").fill("70/30 by hand");
  await shot(page, "experiment-edit");
  await edit.getByRole("button", { name: "Save as a new version" }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByTestId("experiment-settings")).toContainText("Version 2 · scope: 1 key and 0 teams · bandit: off");
  await expect(page.getByTestId("experiment-variant").first()).toContainText("70 %");
  await expect(page.getByTestId("experiment-version").first()).toContainText("70/30 by hand");

  await page.getByRole("button", { name: "Restore version 1" }).click();
  await page.getByRole("dialog", { name: "Restore version 1?" }).getByRole("button", { name: "Restore" }).click();
  await expect(page.getByTestId("experiment-settings")).toContainText("Version 3 · scope: 1 key and 0 teams · bandit: Thompson sampling on success");
  await expect(page.getByTestId("experiment-version")).toHaveCount(3);
  await expect(page.getByTestId("experiment-version").first()).toContainText("restored version 1");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1400);
  await shot(page, "experiment-versions");
  const audit = await (await request.get(`/api/admin/audit?target_id=${id}`, { headers: adminHeaders() })).json();
  expect(JSON.stringify(audit)).toContain("experiment.restore");
});
