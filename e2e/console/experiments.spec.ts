import { expect, test } from "@playwright/test";
import type { FakeUpstream } from "../fakes/common";
import { ROUTING_FAKE_API_KEY, startRoutingFake } from "../fakes/routing-fake";
import { signInAsOwner, shot } from "../support/console-session";
import { adminHeaders, createKey } from "../support/gateway-client";

/**
 * The second half of issue 10's "Done when", in the console: the owner creates a 50/50 experiment on a group on the
 * Experiments page, starts it, callers send requests and feedback (POST /v1/feedback), the experiment page shows the
 * ratings and the readout in words, and the winner is promoted into a new version of the group (screenshots in
 * test-results/).
 */
let fake: FakeUpstream;
test.beforeAll(async () => {
  fake = await startRoutingFake();
});
test.afterAll(async () => {
  await fake?.close();
});

test("start a 50/50 experiment, send feedback, read the result, promote the winner", async ({ page, request }) => {
  const suffix = `xc${Date.now().toString(36)}`;
  const connection = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "openai", name: `exp-console-${suffix}`, base_url: `${fake.url}/v1`, api_key: ROUTING_FAKE_API_KEY } });
  const connectionId = (await connection.json()).id;
  for (const [model, upstream, input] of [
    [`x-mini-${suffix}`, `ok-mini-${suffix}`, "1"],
    [`x-haiku-${suffix}`, `ok-haiku-${suffix}`, "0.5"],
  ]) {
    expect((await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: model, connection_id: connectionId, upstream_model: upstream, price: { input, output: "2" } } })).status()).toBe(201);
  }
  const groupName = `x-chat-${suffix}`;
  const group = await request.post("/api/admin/groups", { headers: adminHeaders(), data: { name: groupName, deployments: [{ id: "mini", model: `x-mini-${suffix}` }] } });
  expect(group.status()).toBe(201);
  const groupId = (await group.json()).id;

  await signInAsOwner(page);
  await page.goto("/experiments");
  await page.getByRole("button", { name: "New experiment" }).click();
  const dialog = page.getByRole("dialog", { name: "New experiment" });
  await dialog.getByLabel("Name", { exact: true }).fill(`haiku vs mini ${suffix}`);
  await dialog.getByLabel("Split the traffic of").selectOption(groupName);
  await dialog.getByLabel("Variant 1 target").selectOption(groupName);
  await dialog.getByLabel("Variant 2 name").fill("haiku");
  await dialog.getByLabel("Variant 2 target").selectOption(`x-haiku-${suffix}`);
  await dialog.getByLabel("Max error rate (%)").fill("50");
  await dialog.getByRole("button", { name: "Create draft" }).click();
  await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("experiment-status")).toHaveText("draft");
  await page.getByRole("button", { name: "Start" }).click();
  await expect(page.getByTestId("experiment-status")).toHaveText("running");

  const { key } = await createKey(request);
  const chat = (user: string) => request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model: groupName, user, messages: [{ role: "user", content: "hi" }] } });
  await expect.poll(async () => (await chat("probe")).headers()["x-modelgate-variant"], { timeout: 5000 }).toBeDefined();
  let assigned: { requestId: string; variant: string } | undefined;
  for (let user = 0; user < 12; user++) {
    const response = await chat(`x-user-${user}`);
    expect(response.status()).toBe(200);
    const variant = response.headers()["x-modelgate-variant"];
    assigned = { requestId: response.headers()["x-request-id"], variant };
    const rated = await request.post("/v1/feedback", { headers: { authorization: `Bearer ${key}` }, data: { request_id: response.headers()["x-request-id"], thumbs: variant === "haiku" ? "up" : "down", task_completed: variant === "haiku" } });
    expect(rated.status(), await rated.text()).toBe(200);
  }

  // The experiment page reads the ratings and says what they mean.
  const haiku = page.getByTestId("experiment-variant").filter({ hasText: "haiku" });
  await expect.poll(async () => {
    await page.reload();
    return haiku.textContent();
  }, { timeout: 10_000 }).toMatch(/100\.0 % of [1-9]/);
  await expect(page.getByTestId("readout-cost_per_request")).toContainText(/cost per request|haiku is \d+ % cheaper per request/);
  await expect(page.getByTestId("readout-thumbs_up_rate")).toContainText(/satisfaction: |haiku is/);
  await expect(page.getByTestId("experiment-charts")).toBeVisible();
  await shot(page, "experiment-results");

  // Promote the winner: the group gets a new version serving it, the experiment stops, the event is listed.
  await page.getByRole("button", { name: "Promote haiku" }).click();
  await page.getByRole("dialog", { name: "Promote haiku?" }).getByRole("button", { name: "Promote and stop" }).click();
  await expect(page.getByTestId("experiment-status")).toHaveText("stopped");
  await expect(page.getByTestId("experiment-winner")).toHaveText("haiku");
  await expect(page.getByTestId("experiment-event").first()).toContainText("promote");
  await shot(page, "experiment-promoted");
  // A request's page names the experiment and variant it was assigned to, linking to the experiment.
  const experimentUrl = page.url();
  await page.goto(`/requests/${assigned!.requestId}`);
  await expect(page.getByTestId("detail-experiment")).toHaveText(`variant ${assigned!.variant}`);
  await page.getByTestId("detail-experiment").getByRole("link").click();
  await expect(page).toHaveURL(experimentUrl);
  const promoted = await (await request.get(`/api/admin/groups/${groupId}`, { headers: adminHeaders() })).json();
  expect(promoted.version).toBe(2);
  expect(promoted.definition.deployments.map((deployment: { model: string }) => deployment.model)).toEqual([`x-haiku-${suffix}`]);
});
