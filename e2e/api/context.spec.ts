import { expect, test, type APIRequestContext } from "@playwright/test";
import { FAKE_TEXT, type FakeUpstream } from "../fakes/common";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "../fakes/openai-fake";
import { adminHeaders, createKey, ledgerRow, sseData } from "../support/gateway-client";

// Context-window management against the built app and the OpenAI fake, which refuses a prompt over the model's
// documented window (gpt-4: 8,192 tokens) with OpenAI's context_length_exceeded (e2e/fakes/openai-fake.ts).
let fake: FakeUpstream;
let key: string;
const suffix = Date.now().toString(36);
const name = (base: string) => `${base}-${suffix}`;
type Message = { role: string; content: string };

async function addModel(request: APIRequestContext, connectionId: string, model: string, upstream: string, contextWindow: number, context?: Record<string, unknown>, price = { input: "30", output: "60" }) {
  const response = await request.post("/api/admin/models", { headers: adminHeaders(), data: { name: name(model), connection_id: connectionId, upstream_model: upstream, context_window: contextWindow, price, ...(context ? { context } : {}) } });
  expect(response.status(), await response.text()).toBe(201);
}

/** A conversation of `turns` question/answer pairs of ~600 tokens each, then the latest question. */
function longConversation(turns: number, tag: string): Message[] {
  const filler = (n: number) => `${tag} turn ${n}: ` + "alpha beta gamma delta epsilon ".repeat(120);
  const messages: Message[] = [{ role: "system", content: `You are the ${tag} assistant.` }];
  for (let n = 1; n <= turns; n++) messages.push({ role: "user", content: filler(n) }, { role: "assistant", content: `answer ${n}` });
  messages.push({ role: "user", content: `${tag}: what is the latest news?` });
  return messages;
}

function chat(request: APIRequestContext, model: string, messages: Message[], headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  return request.post("/v1/chat/completions", { headers: { authorization: `Bearer ${key}`, ...headers }, data: { model: name(model), messages, max_tokens: 200, ...extra } });
}
const sentTo = (upstream: string, tag: string) => fake.received.filter((entry) => (entry.body as { model?: string }).model === upstream && JSON.stringify(entry.body).includes(tag));
type Trace = { mode: string; source: string; action: string; family: string; tokensBefore: number; tokensAfter: number; messagesBefore: number; messagesAfter: number; droppedMessages?: number; summary?: { cached: boolean; requestId: string; costUsd: string; summarizedMessages: number }; fallback?: { from: string; to: string }; children?: string[]; totalCostUsd: string };

test.beforeAll(async ({ request }) => {
  fake = await startFakeOpenAI();
  const connection = await request.post("/api/admin/providers", { headers: adminHeaders(), data: { kind: "openai", name: name("context-fake"), base_url: `${fake.url}/v1`, api_key: FAKE_OPENAI_API_KEY } });
  expect(connection.status()).toBe(201);
  const connectionId = (await connection.json()).id;
  await addModel(request, connectionId, "small", "gpt-4", 8192);
  await addModel(request, connectionId, "large", "gpt-4o-mini", 128_000);
  await addModel(request, connectionId, "cheap", "gpt-4o-mini", 128_000, undefined, { input: "0.15", output: "0.60" });
  await addModel(request, connectionId, "summarized", "gpt-4", 8192, { mode: "summarize", summarize_model: name("cheap") });
  await addModel(request, connectionId, "fallback", "gpt-4", 8192, { fallback_model: name("large") });
  const group = await request.post("/api/admin/groups", { headers: adminHeaders(), data: { name: name("group"), strategy: "priority", deployments: [{ id: "small", model: name("small") }], context: { mode: "truncate" } } });
  expect(group.status(), await group.text()).toBe(201);
  key = (await createKey(request)).key;
  await expect.poll(async () => (await chat(request, "group", [{ role: "user", content: "hi" }])).status(), { timeout: 5000 }).toBe(200);
});
test.afterAll(async () => {
  await fake?.close();
});

test("mode error (the default) sends the prompt as it is: the provider's context_length_exceeded is the answer", async ({ request }) => {
  const response = await chat(request, "small", longConversation(16, "error-mode"));
  expect(response.status()).toBe(400);
  expect((await response.json()).error).toMatchObject({ type: "invalid_request_error", code: "context_length_exceeded", param: "messages" });
  expect(sentTo("gpt-4", "error-mode")).toHaveLength(1);
  const row = await ledgerRow(request, response.headers()["x-request-id"]);
  expect(row.contextTrace).toBeNull();
});

test.describe("header values", () => {
  for (const [value, status, code] of [
    ["shorten", 400, "invalid_context_mode"],
    ["summarize", 400, "context_mode_unavailable"],
  ] as const) {
    test(`x-modelgate-context: ${value} → ${status} ${code}`, async ({ request }) => {
      const response = await chat(request, "small", [{ role: "user", content: "hi" }], { "x-modelgate-context": value });
      expect(response.status()).toBe(status);
      expect((await response.json()).error).toMatchObject({ code, param: "x-modelgate-context" });
    });
  }
});

test("truncate drops the oldest turns, keeps the system prompt and the latest question, and the provider accepts it", async ({ request }) => {
  const messages = longConversation(16, "truncate-mode");
  const response = await chat(request, "small", messages, { "x-modelgate-context": "truncate" });
  expect(response.status(), await response.text()).toBe(200);
  const [sent] = sentTo("gpt-4", "truncate-mode");
  const sentMessages = (sent.body as { messages: Message[] }).messages;
  expect(sentMessages[0]).toEqual(messages[0]);
  expect(sentMessages.at(-1)).toEqual(messages.at(-1));
  expect(sentMessages.length).toBeLessThan(messages.length);
  // Whole turns are dropped, oldest first: what is left is the newest turns in order.
  expect(sentMessages.slice(1)).toEqual(messages.slice(messages.length - sentMessages.length + 1));
  const trace = (await ledgerRow(request, response.headers()["x-request-id"])).contextTrace as Trace;
  expect(trace).toMatchObject({ mode: "truncate", source: "header", action: "truncated", family: "cl100k_base", messagesBefore: messages.length, messagesAfter: sentMessages.length, droppedMessages: messages.length - sentMessages.length });
  expect(trace.tokensBefore).toBeGreaterThan(8192);
  expect(trace.tokensAfter + 200 + 256).toBeLessThanOrEqual(8192);
});

test("a group's own context setting truncates without a header", async ({ request }) => {
  const response = await chat(request, "group", longConversation(16, "group-mode"));
  expect(response.status(), await response.text()).toBe(200);
  const trace = (await ledgerRow(request, response.headers()["x-request-id"])).contextTrace as Trace;
  expect(trace).toMatchObject({ mode: "truncate", source: "group", action: "truncated" });
});

test("fallback sends an overflowing prompt to the configured larger-context model", async ({ request }) => {
  const response = await chat(request, "fallback", longConversation(16, "fallback-mode"), { "x-modelgate-context": "fallback" });
  expect(response.status(), await response.text()).toBe(200);
  expect(response.headers()["x-modelgate-model"]).toBe("gpt-4o-mini");
  expect((await response.json()).model).toBe(name("fallback"));
  expect(sentTo("gpt-4", "fallback-mode")).toHaveLength(0);
  expect(sentTo("gpt-4o-mini", "fallback-mode")).toHaveLength(1);
  const row = await ledgerRow(request, response.headers()["x-request-id"]);
  expect(row.contextTrace).toMatchObject({ action: "fallback", fallback: { from: name("fallback"), to: name("large") }, window: 128_000 });
});

test("summarize replaces the older history with a summary written by a child request, reused on the next turn", async ({ request }) => {
  const messages = longConversation(16, "summarize-mode");
  const first = await chat(request, "summarized", messages);
  expect(first.status(), await first.text()).toBe(200);
  const summaries = () => fake.received.filter((entry) => (entry.body as { model?: string }).model === "gpt-4o-mini" && JSON.stringify(entry.body).includes("You summarize conversations") && JSON.stringify(entry.body).includes("summarize-mode"));
  expect(summaries()).toHaveLength(1);
  const [main] = sentTo("gpt-4", "summarize-mode");
  const sentMessages = (main.body as { messages: Message[] }).messages;
  expect(sentMessages[0]).toEqual(messages[0]);
  expect(sentMessages[1]).toMatchObject({ role: "system", content: expect.stringContaining("Summary of the earlier conversation") });
  expect(sentMessages.at(-1)).toEqual(messages.at(-1));

  const parentId = first.headers()["x-request-id"];
  const parent = await ledgerRow(request, parentId);
  const trace = parent.contextTrace as Trace;
  expect(trace).toMatchObject({ mode: "summarize", source: "model", action: "summarized", summary: { cached: false } });
  expect(trace.children).toEqual([trace.summary!.requestId]);
  const child = await ledgerRow(request, trace.summary!.requestId);
  expect(child).toMatchObject({ parentId, requestedModel: name("cheap"), status: "success" });
  expect(Number(child.costUsd)).toBeGreaterThan(0);
  expect(trace.summary!.costUsd).toBe(child.costUsd);
  // Each row's cost is its own; the parent's total is its own plus its child's, exactly.
  const picos = (value: unknown) => BigInt(String(value).replace(".", ""));
  expect(picos(parent.totalCostUsd)).toBe(picos(parent.costUsd) + picos(child.costUsd));
  expect(trace.totalCostUsd).toBe(parent.totalCostUsd);
  expect((parent.children as { id: string }[]).map((row) => row.id)).toEqual([child.id]);

  // The next turn of the same conversation: the stored summary is reused, no new summary request is made.
  const next = await chat(request, "summarized", [...messages, { role: "assistant", content: "the news" }, { role: "user", content: "summarize-mode: and then?" }]);
  expect(next.status(), await next.text()).toBe(200);
  expect(summaries()).toHaveLength(1);
  const nextTrace = (await ledgerRow(request, next.headers()["x-request-id"])).contextTrace as Trace;
  expect(nextTrace).toMatchObject({ action: "summarized", summary: { cached: true, requestId: trace.summary!.requestId, costUsd: "0.000000000000" } });
  expect(nextTrace.children).toBeUndefined();
});

test("a latest turn larger than the window is context_length_exceeded before any call", async ({ request }) => {
  const huge = [{ role: "user", content: "too-large " + "alpha beta gamma delta epsilon ".repeat(2000) }];
  const response = await chat(request, "small", huge, { "x-modelgate-context": "truncate" });
  expect(response.status()).toBe(400);
  expect((await response.json()).error).toMatchObject({ type: "invalid_request_error", code: "context_length_exceeded", param: "messages" });
  expect(sentTo("gpt-4", "too-large")).toHaveLength(0);
  const row = await ledgerRow(request, response.headers()["x-request-id"]);
  expect(row).toMatchObject({ upstreamAttempts: 0, costUsd: "0.000000000000" });
  expect(row.contextTrace).toMatchObject({ action: "refused", mode: "truncate" });
});

/** An instruction paragraph, then a document of ~25,000 tokens (cl100k_base). */
function longDocument(tag: string): string {
  const clauses = Array.from({ length: 1200 }, (_, index) => `Clause ${index} of the ${tag} contract: the tenant pays ${index * 3} euros by day ${(index % 28) + 1}.`);
  return `List every payment deadline in the ${tag} contract.\n\n${clauses.join("\n")}`;
}

for (const stream of [false, true]) {
  test(`split reads an oversized document in parts and stitches one answer (stream: ${stream})`, async ({ request }) => {
    const tag = `split-${stream ? "stream" : "json"}`;
    const response = await chat(request, "small", [{ role: "system", content: "Answer precisely." }, { role: "user", content: longDocument(tag) }], { "x-modelgate-context": "split" }, stream ? { stream: true, stream_options: { include_usage: true } } : {});
    expect(response.status(), stream ? "" : await response.text()).toBe(200);
    const body = await response.text();
    if (stream) {
      const chunks = sseData(body);
      expect(chunks.at(-1)).toBe("[DONE]");
      expect(chunks.slice(0, -1).map((data) => JSON.parse(data).choices?.[0]?.delta?.content ?? "").join("")).toBe(FAKE_TEXT);
    } else {
      expect(JSON.parse(body).choices[0].message.content).toBe(FAKE_TEXT);
    }
    const sent = sentTo("gpt-4", tag).map((entry) => (entry.body as { messages: Message[] }).messages);
    const maps = sent.filter((messages) => messages.at(-1)!.content.includes("this is part "));
    const reduces = sent.filter((messages) => messages.at(-1)!.content.includes("Combine them into one answer"));
    expect(maps.length).toBeGreaterThanOrEqual(3);
    expect(reduces).toHaveLength(1);
    for (const messages of maps) expect(messages[0]).toEqual({ role: "system", content: "Answer precisely." });
    expect(reduces[0].at(-1)!.content).toContain(`part ${maps.length} of ${maps.length}`);

    const parentId = response.headers()["x-request-id"];
    const parent = await ledgerRow(request, parentId);
    const trace = parent.contextTrace as Trace & { split: { parts: number; overlapTokens: number } };
    expect(trace).toMatchObject({ mode: "split", action: "split", split: { parts: maps.length, overlapTokens: 200 } });
    expect(trace.children).toHaveLength(maps.length);
    const children = await Promise.all(trace.children!.map((id) => ledgerRow(request, id)));
    const picos = (value: unknown) => BigInt(String(value).replace(".", ""));
    for (const child of children) {
      expect(child).toMatchObject({ parentId, status: "success", requestedModel: name("small") });
      expect(picos(child.costUsd)).toBeGreaterThan(0n);
    }
    // Each row's cost is its own (the parent's: the reduce request); the total adds the children once.
    const total = children.reduce((sum, child) => sum + picos(child.costUsd), picos(parent.costUsd));
    expect(picos(parent.totalCostUsd)).toBe(total);
    expect(picos(trace.totalCostUsd)).toBe(total);
  });
}
