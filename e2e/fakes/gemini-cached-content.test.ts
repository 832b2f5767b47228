import { afterAll, beforeAll, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import { gemini } from "@/server/providers/gemini";
import type { FakeUpstream } from "./common";
import { FAKE_USAGE } from "./common";
import { FAKE_GEMINI_API_KEY, startFakeGemini } from "./gemini-fake";

let fake: FakeUpstream;
beforeAll(async () => {
  fake = await startFakeGemini();
});
afterAll(async () => fake?.close());

const post = async (path: string, body: unknown) => {
  const response = await fetch(`${fake.url}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-goog-api-key": FAKE_GEMINI_API_KEY }, body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

test("a created cache named through the adapter's cached_content is billed as cached prompt tokens", async () => {
  const created = await post("/v1beta/cachedContents", { model: "models/gemini-2.5-flash", systemInstruction: { parts: [{ text: "Policy. ".repeat(500) }] }, ttl: "600s" });
  expect(created.status).toBe(200);
  const name = String(created.json.name);
  const cachedTokens = (created.json.usageMetadata as { totalTokenCount: number }).totalTokenCount;
  const upstream = gemini.buildRequest(chatRequestSchema.parse({ model: "flash", messages: [{ role: "system", content: "ignored" }, { role: "user", content: "Hi" }], cached_content: name }), { provider: "gemini", connectionId: "c", baseUrl: `${fake.url}/v1beta`, apiKey: FAKE_GEMINI_API_KEY, upstreamModel: "gemini-2.5-flash", modelName: "flash" });
  const answered = await fetch(upstream.url, { method: "POST", headers: upstream.headers, body: upstream.body });
  expect(answered.status).toBe(200);
  const parsed = gemini.parseResponse(await answered.json());
  expect(parsed.ok && parsed.value.usage).toMatchObject({ inputTokens: FAKE_USAGE.input + cachedTokens, cachedInputTokens: cachedTokens });
});

test("an unknown cache is refused, and so is a request that sets the system instruction again", async () => {
  const contents = [{ role: "user", parts: [{ text: "Hi" }] }];
  expect((await post("/v1beta/models/gemini-2.5-flash:generateContent", { contents, cachedContent: "cachedContents/missing" })).status).toBe(403);
  const created = await post("/v1beta/cachedContents", { model: "models/gemini-2.5-flash", contents });
  const again = await post("/v1beta/models/gemini-2.5-flash:generateContent", { contents, cachedContent: created.json.name, systemInstruction: { parts: [{ text: "x" }] } });
  expect(again.status).toBe(400);
});
