import { expect, test } from "@playwright/test";
import type { FakeUpstream } from "../fakes/common";
import { ROUTING_FAKE_API_KEY, startRoutingFake } from "../fakes/routing-fake";
import { signInAsOwner, shot } from "../support/console-session";
import { adminHeaders } from "../support/gateway-client";

/**
 * A group's context-window and prompt-cache settings set on the Routing page's form (README "Context-window
 * management", "Provider prompt caching"): invalid values are refused next to their field, the saved group reads back
 * the same through the admin API, and an edit is a new, audited version.
 */
let fake: FakeUpstream;
test.beforeAll(async () => {
  fake = await startRoutingFake();
});
test.afterAll(async () => {
  await fake?.close();
});

test("context and prompt-cache settings made in the group form are what the admin API returns", async ({ page, request }) => {
  const suffix = Date.now().toString(36);
  const connection = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "openai", name: `ctx-form-${suffix}`, base_url: `${fake.url}/v1`, api_key: ROUTING_FAKE_API_KEY } });
  const connectionId = (await connection.json()).id;
  const [main, cheap, large] = [`ctx-main-${suffix}`, `ctx-cheap-${suffix}`, `ctx-large-${suffix}`];
  for (const model of [main, cheap, large]) {
    expect((await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: model, connection_id: connectionId, upstream_model: `ok-${model}`, price: { input: "1", output: "2" } } })).status()).toBe(201);
  }
  const groupName = `ctx-group-${suffix}`;
  await signInAsOwner(page);
  await page.goto("/routing");
  await page.getByRole("button", { name: "Add group" }).click();
  const dialog = page.getByRole("dialog", { name: "Add model group" });
  await dialog.getByLabel("Name (the model callers ask for)").fill(groupName);
  await dialog.getByTestId("deployment-row").nth(0).getByLabel("Model").selectOption(main);
  await dialog.getByLabel("Context mode", { exact: true }).selectOption("summarize");
  await dialog.getByLabel("Summary model", { exact: true }).selectOption(cheap);
  await dialog.getByLabel("Margin tokens").fill("-5");
  await dialog.getByLabel("Split concurrency").fill("40");
  await dialog.getByLabel("Prompt cache mode", { exact: true }).selectOption("auto");
  await dialog.getByLabel("Prompt cache TTL", { exact: true }).selectOption("1h");
  await dialog.getByLabel("Cache the conversation (last message)").check();
  await dialog.getByRole("button", { name: "Create group" }).click();
  // The form's own check, with the server's schema: each error next to its field, nothing sent.
  await expect(dialog.getByLabel("Margin tokens")).toHaveAttribute("aria-invalid", "true");
  await expect(dialog.getByLabel("Split concurrency")).toHaveAttribute("aria-invalid", "true");
  await expect(dialog.getByLabel("Summary model", { exact: true })).not.toHaveAttribute("aria-invalid", "true");
  await shot(page, "group-context-invalid");

  // The server's check: a fallback model that does not exist is refused on its field.
  await dialog.getByLabel("Margin tokens").fill("512");
  await dialog.getByLabel("Split concurrency").fill("2");
  await dialog.getByLabel("Fallback model", { exact: true }).fill(`no-such-model-${suffix}`);
  await dialog.getByRole("button", { name: "Create group" }).click();
  await expect(dialog.getByLabel("Fallback model", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(dialog.getByText("context.fallback_model names no other model or group of the organization.")).toBeVisible();
  await expect(dialog.getByLabel("Margin tokens")).not.toHaveAttribute("aria-invalid", "true");

  await dialog.getByLabel("Fallback model", { exact: true }).fill(large);
  await shot(page, "group-context-form");
  await dialog.getByRole("button", { name: "Create group" }).click();
  await expect(dialog).toBeHidden();

  const groups = (await (await request.get("/api/admin/groups", { headers: adminHeaders() })).json()) as { id: string; name: string; version: number; definition: Record<string, unknown> }[];
  const created = groups.find((group) => group.name === groupName)!;
  expect(created.version).toBe(1);
  expect(created.definition.context).toEqual({ mode: "summarize", margin_tokens: 512, summarize_model: cheap, fallback_model: large, split_overlap_tokens: 200, split_concurrency: 2 });
  expect(created.definition.prompt_cache).toEqual({ mode: "auto", ttl: "1h", conversation: true });

  // An edit: the form opens on the saved values, and saving is a new version, audited.
  const row = page.getByTestId("group-row").filter({ hasText: groupName });
  await row.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: "Edit model group" });
  await expect(edit.getByLabel("Context mode", { exact: true })).toHaveValue("summarize");
  await expect(edit.getByLabel("Summary model", { exact: true })).toHaveValue(cheap);
  await expect(edit.getByLabel("Prompt cache TTL", { exact: true })).toHaveValue("1h");
  await edit.getByLabel("Context mode", { exact: true }).selectOption("truncate");
  await edit.getByLabel("Summary model", { exact: true }).selectOption("");
  await edit.getByLabel("Prompt cache mode", { exact: true }).selectOption("off");
  await edit.getByLabel("Cache the conversation (last message)").uncheck();
  await edit.getByRole("button", { name: "Save new version" }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText("v2");

  const updated = (await (await request.get(`/api/admin/groups/${created.id}`, { headers: adminHeaders() })).json()) as { version: number; definition: Record<string, unknown>; versions: { version: number; definition: Record<string, unknown> }[] };
  expect(updated.version).toBe(2);
  expect(updated.definition.context).toEqual({ mode: "truncate", margin_tokens: 512, fallback_model: large, split_overlap_tokens: 200, split_concurrency: 2 });
  expect(updated.definition.prompt_cache).toEqual({ mode: "off", ttl: "1h", conversation: false });
  expect(updated.versions.map((version) => (version.definition.context as { mode: string }).mode)).toEqual(["truncate", "summarize"]);
  const audit = await (await request.get(`/api/admin/audit?target_id=${created.id}`, { headers: adminHeaders() })).json();
  expect(JSON.stringify(audit)).toContain("model_group.update");
});
