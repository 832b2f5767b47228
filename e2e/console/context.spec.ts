import { expect, test } from "@playwright/test";
import type { FakeUpstream } from "../fakes/common";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "../fakes/openai-fake";
import { signInAsOwner, shot } from "../support/console-session";
import { adminHeaders, createKey, ledgerRow } from "../support/gateway-client";

// The request detail shows what context-window management did: a summarized conversation, its child request
// (linked both ways) and the total cost (screenshots in test-results/).
let fake: FakeUpstream;
test.beforeAll(async () => {
  fake = await startFakeOpenAI();
});
test.afterAll(async () => {
  await fake?.close();
});

test("a summarized request's detail shows the trace, links its child request and back, and the total", async ({ page, request }) => {
  const suffix = Date.now().toString(36);
  const connection = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "openai", name: `context-console-${suffix}`, base_url: `${fake.url}/v1`, api_key: FAKE_OPENAI_API_KEY } });
  const connectionId = (await connection.json()).id;
  const add = (model: string, upstream: string, window: number, context?: Record<string, unknown>) =>
    request.post("/api/admin/models", { headers: adminHeaders(), data: { name: model, connection_id: connectionId, upstream_model: upstream, context_window: window, price: { input: "30", output: "60" }, ...(context ? { context } : {}) } });
  expect((await add(`cheap-${suffix}`, "gpt-4o-mini", 128_000)).status()).toBe(201);
  expect((await add(`long-${suffix}`, "gpt-4", 8192, { mode: "summarize", summarize_model: `cheap-${suffix}` })).status()).toBe(201);
  const { key } = await createKey(request);
  const messages = [{ role: "system", content: "Be brief." }];
  for (let n = 1; n <= 16; n++) messages.push({ role: "user", content: `turn ${n} <b>` + "alpha beta gamma delta epsilon ".repeat(120) }, { role: "assistant", content: `answer ${n}` });
  messages.push({ role: "user", content: "and now?" });
  let response;
  await expect.poll(async () => (response = await request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}` }, data: { model: `long-${suffix}`, messages, max_tokens: 100 } })).status(), { timeout: 5000 }).toBe(200);
  const id = response!.headers()["x-request-id"];
  const row = await ledgerRow(request, id);
  const childId = (row.contextTrace as { summary: { requestId: string } }).summary.requestId;
  await ledgerRow(request, childId);

  await signInAsOwner(page);
  await page.goto(`/requests/${id}`);
  const section = page.getByTestId("request-context");
  await expect(section.getByTestId("context-action")).toHaveText("summarized");
  await expect(section.getByTestId("context-summary")).toContainText(`by cheap-${suffix}`);
  await expect(section.getByTestId("context-tokens")).toContainText("cl100k_base");
  await expect(section.getByTestId("context-child")).toHaveCount(1);
  await expect(section.getByTestId("context-total-cost")).toBeVisible();
  await shot(page, "context-request-detail");
  await section.getByTestId("context-child").getByRole("link").click();
  await expect(page).toHaveURL(new RegExp(`/requests/${childId}$`));
  await expect(page.getByTestId("context-parent")).toContainText(id);
  await shot(page, "context-child-request");
});
