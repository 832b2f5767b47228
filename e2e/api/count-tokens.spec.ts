import { expect, test } from "@playwright/test";
import { FAKE_ANTHROPIC_API_KEY } from "../fakes/anthropic-fake";
import { fakeInputTokens, startFakeAnthropicCountTokens } from "../fakes/anthropic-count-tokens-fake";
import type { FakeUpstream } from "../fakes/common";
import { e2eEnv } from "../support/e2e-env";
import { adminHeaders, createKey, fakeRequests, ledgerRow } from "../support/gateway-client";

// The official Anthropic SDK's client.messages.countTokens (what Claude Code calls) against the built app.
// The shared Anthropic fake has no count_tokens route, so this spec starts its own counter and serves a model
// from it through a connection added with the admin API.
let counter: FakeUpstream;
const MODEL = `count-haiku-${Date.now()}`;

test.beforeAll(async ({ request }) => {
  counter = await startFakeAnthropicCountTokens();
  const connection = await request.post("/api/admin/providers", {
    headers: adminHeaders(),
    data: { kind: "anthropic", name: `anthropic-count-${Date.now()}`, base_url: `${counter.url}/v1`, api_key: FAKE_ANTHROPIC_API_KEY },
  });
  expect(connection.status()).toBe(201);
  const created = await request.post("/api/admin/models", {
    headers: adminHeaders(),
    data: { name: MODEL, connection_id: (await connection.json()).id, upstream_model: "claude-haiku-4-5-20251001", price: { input: "1", output: "5" } },
  });
  expect(created.status()).toBe(201);
  // The new model reaches the gateway's snapshot through the change notification.
  await new Promise((resolve) => setTimeout(resolve, 500));
});
test.afterAll(async () => {
  await counter?.close();
});

const conversation = {
  system: "Be brief.",
  messages: [{ role: "user" as const, content: "What is the weather in Paris?" }],
  tools: [{ name: "get_weather", description: "The weather in a city", input_schema: { type: "object" as const, properties: { location: { type: "string" } }, required: ["location"] } }],
};

test("anthropic SDK countTokens: exact from Anthropic, estimated elsewhere, free in the ledger", async ({ request }) => {
  const { default: Anthropic } = await import("@anthropic-ai/sdk");
  const { key } = await createKey(request);
  const client = new Anthropic({ baseURL: e2eEnv().baseURL, apiKey: key, maxRetries: 0 });

  const exact = await client.messages.countTokens({ model: MODEL, ...conversation }).withResponse();
  expect(exact.data).toEqual({ input_tokens: fakeInputTokens(conversation) });
  expect(exact.response.headers.get("x-modelgate-token-count")).toBe("exact");
  const forwarded = (await fakeRequests(counter.url)).at(-1)!;
  expect(forwarded.path).toBe("/v1/messages/count_tokens");
  expect(forwarded.body).toEqual({ model: "claude-haiku-4-5-20251001", ...conversation });
  expect(await ledgerRow(request, exact.response.headers.get("x-request-id")!)).toMatchObject({
    endpoint: "/v1/messages/count_tokens",
    requestedModel: MODEL,
    status: "success",
    inputTokens: 0,
    outputTokens: 0,
    costUsd: "0.000000000000",
  });

  const estimated = await client.messages.countTokens({ model: "gpt-4o-mini", ...conversation }).withResponse();
  expect(estimated.data.input_tokens).toBeGreaterThan(10);
  expect(estimated.response.headers.get("x-modelgate-token-count")).toBe("estimated");
});

test("anthropic SDK countTokens: errors surface as the SDK's typed errors", async ({ request }) => {
  const { default: Anthropic } = await import("@anthropic-ai/sdk");
  const { key } = await createKey(request);
  const client = new Anthropic({ baseURL: e2eEnv().baseURL, apiKey: key, maxRetries: 0 });
  const missing = await client.messages.countTokens({ model: "nope", messages: [{ role: "user", content: "x" }] }).catch((error) => error);
  expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
  const badKey = new Anthropic({ baseURL: e2eEnv().baseURL, apiKey: "vk_wrong", maxRetries: 0 });
  expect(await badKey.messages.countTokens({ model: MODEL, messages: [{ role: "user", content: "x" }] }).catch((error) => error)).toBeInstanceOf(Anthropic.AuthenticationError);
  // The provider's invalid-request answer surfaces as the SDK's typed error ...
  const invalid = await client.messages.countTokens({ model: MODEL, messages: [{ role: "user", content: "[[fake:error:400]]" }] }).catch((error) => error);
  expect(invalid).toBeInstanceOf(Anthropic.BadRequestError);
  // ... while transient counter trouble (429) is answered with the gateway's estimate, marked as such.
  const throttled = await client.messages.countTokens({ model: MODEL, messages: [{ role: "user", content: "[[fake:error:429]]" }] }).withResponse();
  expect(throttled.data.input_tokens).toBeGreaterThan(0);
  expect(throttled.response.headers.get("x-modelgate-token-count")).toBe("estimated");
});
