import { expect, test } from "@playwright/test";
import { e2eEnv } from "../support/e2e-env";
import { createKey, fakeRequests, ledgerRow, sseData } from "../support/gateway-client";

// The catalog's prices (server/catalog/model-catalog.ts) × the fakes' fixed usage (21 in, 7 out; 8 cached).
const cases = [
  { model: "gpt-4o-mini", fake: () => e2eEnv().fakeOpenAIUrl, provider: "openai", cost: "0.000007350000", cachedCost: "0.000006750000" },
  { model: "claude-haiku-4-5", fake: () => e2eEnv().fakeAnthropicUrl, provider: "anthropic", cost: "0.000056000000", cachedCost: "0.000048800000" },
  { model: "gemini-2.5-flash", fake: () => e2eEnv().fakeGeminiUrl, provider: "gemini", cost: "0.000023800000", cachedCost: "0.000021640000" },
];

let key: string;
test.beforeAll(async ({ request }) => {
  key = (await createKey(request)).key;
});

for (const entry of cases) {
  test.describe(entry.model, () => {
    test("non-stream: translated request, OpenAI answer, exact ledger cost", async ({ request }) => {
      const nonce = `again-${entry.provider}-${Date.now()}`;
      const response = await request.post("/v1/chat/completions", {
        headers: { authorization: `Bearer ${key}` },
        data: { model: entry.model, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hello" }, { role: "assistant", content: "Hi!" }, { role: "user", content: nonce }], temperature: 0.4, top_p: 0.8, max_tokens: 64, stop: ["STOP"] },
      });
      expect(response.status()).toBe(200);
      expect(response.headers()["x-modelgate-provider"]).toBe(entry.provider);
      const body = await response.json();
      expect(body).toMatchObject({ object: "chat.completion", model: entry.model, choices: [{ message: { role: "assistant", content: "Hello from the fake provider." }, finish_reason: "stop" }], usage: { prompt_tokens: 21, completion_tokens: 7 } });

      // Workers run in parallel: find this test's request by its nonce.
      const received = (await fakeRequests(entry.fake())).find((candidate) => JSON.stringify(candidate.body ?? "").includes(nonce))!;
      if (entry.provider === "openai") expect(received.body).toMatchObject({ model: "gpt-4o-mini", temperature: 0.4, top_p: 0.8, max_tokens: 64, stop: ["STOP"] });
      if (entry.provider === "anthropic") {
        expect(received.body).toMatchObject({ model: "claude-haiku-4-5-20251001", system: "Be brief.", temperature: 0.4, top_p: 0.8, max_tokens: 64, stop_sequences: ["STOP"] });
        expect((received.body.messages as unknown[]).length).toBe(3);
      }
      if (entry.provider === "gemini") {
        expect(received.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
        expect(received.body).toMatchObject({ systemInstruction: { parts: [{ text: "Be brief." }] }, generationConfig: { temperature: 0.4, topP: 0.8, maxOutputTokens: 64, stopSequences: ["STOP"] } });
      }

      const row = await ledgerRow(request, response.headers()["x-request-id"]);
      expect(row).toMatchObject({ status: "success", httpStatus: 200, provider: entry.provider, requestedModel: entry.model, inputTokens: 21, outputTokens: 7, tokensEstimated: false, costUsd: entry.cost, stream: false });
    });

    test("stream: chunks, usage with cached tokens, [DONE], exact ledger cost", async ({ request }) => {
      const response = await request.post("/v1/chat/completions", {
        headers: { authorization: `Bearer ${key}` },
        data: { model: entry.model, stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Hello [[fake:cached]]" }] },
      });
      expect(response.status()).toBe(200);
      const events = sseData(await response.text());
      expect(events.at(-1)).toBe("[DONE]");
      const chunks = events.slice(0, -1).map((data) => JSON.parse(data));
      expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk" && chunk.model === entry.model)).toBe(true);
      expect(chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? "").join("")).toBe("Hello from the fake provider.");
      expect(chunks.at(-1).usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 8 } });
      const row = await ledgerRow(request, response.headers()["x-request-id"]);
      expect(row).toMatchObject({ status: "success", stream: true, inputTokens: 21, cachedInputTokens: 8, outputTokens: 7, costUsd: entry.cachedCost });
      expect(row.ttftMs).not.toBeNull();
    });

    test("a cut stream ends with an error event, never [DONE], and is billed as estimated", async ({ request }) => {
      const response = await request.post("/v1/chat/completions", {
        headers: { authorization: `Bearer ${key}` },
        data: { model: entry.model, stream: true, messages: [{ role: "user", content: "Hello [[fake:cut]]" }] },
      });
      const events = sseData(await response.text());
      expect(events).not.toContain("[DONE]");
      expect(JSON.parse(events.at(-1)!).error).toMatchObject({ code: "stream_cut", type: "upstream_error" });
      const row = await ledgerRow(request, response.headers()["x-request-id"]);
      expect(row).toMatchObject({ status: "error", errorKind: "stream_cut", tokensEstimated: true });
      expect(Number(row.outputTokens)).toBeGreaterThan(0);
    });
  });
}

test("a client that disconnects aborts the upstream at once and is billed once", async ({ request }) => {
  const { baseURL, fakeOpenAIUrl } = e2eEnv();
  const controller = new AbortController();
  const nonce = `abort-${Date.now()}`;
  const response = await fetch(`${baseURL}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: `count ${nonce} [[fake:slow]]` }] }),
    signal: controller.signal,
  });
  const requestId = response.headers.get("x-request-id")!;
  const reader = response.body!.getReader();
  await reader.read();
  controller.abort();
  const mine = async () => (await fakeRequests(fakeOpenAIUrl)).find((entry) => JSON.stringify(entry.body ?? "").includes(nonce))!;
  await expect.poll(async () => (await mine()).outcome, { timeout: 3000 }).toBe("client_closed");
  const row = await ledgerRow(request, requestId);
  expect(row).toMatchObject({ status: "aborted", clientAborted: true, tokensEstimated: true });
});

test("n=3 on Anthropic (one choice per call): three upstream calls, three choices, one ledger row costing three calls", async ({ request }) => {
  const nonce = `fan-out-${Date.now()}`;
  const response = await request.post("/v1/chat/completions", {
    headers: { authorization: `Bearer ${key}` },
    data: { model: "claude-haiku-4-5", n: 3, messages: [{ role: "user", content: nonce }] },
  });
  expect(response.status()).toBe(200);
  expect(response.headers()["x-modelgate-warnings"]).toBeUndefined();
  const body = await response.json();
  expect(body.choices.map((choice: { index: number; message: { content: string } }) => [choice.index, choice.message.content])).toEqual([0, 1, 2].map((index) => [index, "Hello from the fake provider."]));
  expect(body.usage).toMatchObject({ prompt_tokens: 63, completion_tokens: 21 });
  const received = (await fakeRequests(e2eEnv().fakeAnthropicUrl)).filter((entry) => JSON.stringify(entry.body ?? "").includes(nonce));
  expect(received).toHaveLength(3);
  const row = await ledgerRow(request, response.headers()["x-request-id"]);
  // Three times the single-call cost above (0.000056).
  expect(row).toMatchObject({ status: "success", inputTokens: 63, outputTokens: 21, tokensEstimated: false, costUsd: "0.000168000000", upstreamAttempts: 3 });
});
