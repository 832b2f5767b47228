import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_ANTHROPIC_API_KEY } from "@/e2e/fakes/anthropic-fake";
import { fakeInputTokens, startFakeAnthropicCountTokens } from "@/e2e/fakes/anthropic-count-tokens-fake";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_GEMINI_API_KEY } from "@/e2e/fakes/gemini-fake";
import { fakeGeminiTokens, startFakeGeminiCountTokens } from "@/e2e/fakes/gemini-count-tokens-fake";
import { FAKE_OPENAI_API_KEY } from "@/e2e/fakes/openai-fake";
import { countTokensRequestSchema, toCountChatRequest } from "../count-tokens/count-request";
import { estimatePromptTokens } from "../estimate-tokens";
import { makeKey, makeModel, startTestGateway } from "./harness";

/** POST /v1/messages/count_tokens through the official Anthropic SDK (client.messages.countTokens). */
let anthropicFake: FakeUpstream;
let geminiFake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let client: Anthropic;
const key = makeKey();
const miniOnly = makeKey({ allowedModels: new Set(["mini"]) });

const weatherTool: Anthropic.Tool = {
  name: "get_weather",
  description: "The weather in a city",
  input_schema: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
};
const conversation = {
  system: "Be brief.",
  messages: [
    { role: "user" as const, content: "What is the weather in Paris?" },
    { role: "assistant" as const, content: [{ type: "tool_use" as const, id: "toolu_1", name: "get_weather", input: { location: "Paris" } }] },
    { role: "user" as const, content: [{ type: "tool_result" as const, tool_use_id: "toolu_1", content: "Sunny, 21°C" }] },
  ],
  tools: [weatherTool],
};

beforeAll(async () => {
  [anthropicFake, geminiFake] = await Promise.all([startFakeAnthropicCountTokens(), startFakeGeminiCountTokens()]);
  gateway = await startTestGateway({
    keys: [key.entry, miniOnly.entry],
    models: [
      makeModel("haiku", "anthropic", `${anthropicFake.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001"),
      makeModel("flash", "gemini", `${geminiFake.url}/v1beta`, FAKE_GEMINI_API_KEY, "gemini-2.5-flash"),
      // Never called: OpenAI has no token-counting endpoint, so the gateway estimates.
      makeModel("mini", "openai", "http://127.0.0.1:9/v1", FAKE_OPENAI_API_KEY, "gpt-4o-mini"),
    ],
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: key.token, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([anthropicFake.close(), geminiFake.close()]);
});

function countRaw(body: unknown, headers: Record<string, string> = { "x-api-key": key.token }, method = "POST") {
  return fetch(`${gateway.url}/v1/messages/count_tokens`, { method, headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", ...headers }, body: method === "POST" ? JSON.stringify(body) : undefined });
}

async function lastRow(before: number) {
  return (await gateway.waitForRows(before + 1)).at(-1)!;
}

describe("exact counts from the provider's own counter", () => {
  test("anthropic: the client's body goes to /v1/messages/count_tokens with the upstream model id", async () => {
    const before = gateway.rows.length;
    const { data, response } = await client.messages.countTokens({ model: "haiku", ...conversation }).withResponse();
    const forwarded = anthropicFake.received.at(-1)!;
    expect(forwarded.path).toBe("/v1/messages/count_tokens");
    expect(forwarded.headers).toMatchObject({ "x-api-key": FAKE_ANTHROPIC_API_KEY, "anthropic-version": "2023-06-01" });
    expect(forwarded.body).toEqual({ model: "claude-haiku-4-5-20251001", ...conversation });
    expect(data).toEqual({ input_tokens: fakeInputTokens(conversation) });
    expect(response.headers.get("x-modelgate-token-count")).toBe("exact");
    expect(response.headers.get("x-modelgate-provider")).toBe("anthropic");
    expect(await lastRow(before)).toMatchObject({
      id: response.headers.get("x-request-id"),
      endpoint: "/v1/messages/count_tokens",
      requestedModel: "haiku",
      provider: "anthropic",
      status: "success",
      httpStatus: 200,
      inputTokens: 0,
      outputTokens: 0,
      tokensEstimated: false,
      costUsd: "0.000000000000",
      upstreamAttempts: 1,
    });
  });

  test("anthropic: Messages-only fields (max_tokens, temperature) are not forwarded; each is a warning", async () => {
    const response = await countRaw({ model: "haiku", max_tokens: 100, temperature: 0.2, messages: [{ role: "user", content: "Hi" }] });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBe("unsupported_parameter:max_tokens, unsupported_parameter:temperature");
    expect(anthropicFake.received.at(-1)!.body).toEqual({ model: "claude-haiku-4-5-20251001", messages: [{ role: "user", content: "Hi" }] });
    expect(await response.json()).toEqual({ input_tokens: fakeInputTokens({ messages: [{ role: "user", content: "Hi" }] }) });
  });

  test("gemini: models/{model}:countTokens with the translated generateContent request", async () => {
    const before = gateway.rows.length;
    const { data, response } = await client.messages.countTokens({ model: "flash", ...conversation }).withResponse();
    const forwarded = geminiFake.received.at(-1)!;
    expect(forwarded.path).toBe("/v1beta/models/gemini-2.5-flash:countTokens");
    expect(forwarded.headers["x-goog-api-key"]).toBe(FAKE_GEMINI_API_KEY);
    const generateContentRequest = (forwarded.body as { generateContentRequest: Record<string, unknown> }).generateContentRequest;
    expect(generateContentRequest).toMatchObject({ model: "models/gemini-2.5-flash", systemInstruction: { parts: [{ text: "Be brief." }] } });
    expect(generateContentRequest.contents).toHaveLength(3);
    expect(data.input_tokens).toBe(fakeGeminiTokens(generateContentRequest));
    expect(response.headers.get("x-modelgate-token-count")).toBe("exact");
    expect(await lastRow(before)).toMatchObject({ endpoint: "/v1/messages/count_tokens", provider: "gemini", status: "success", inputTokens: 0, costUsd: "0.000000000000", upstreamAttempts: 1 });
  });
});

describe("estimated counts for providers without a counter", () => {
  test("openai: the tokenizer over the translated request, marked estimated, no upstream call", async () => {
    const before = gateway.rows.length;
    const { data, response } = await client.messages.countTokens({ model: "mini", ...conversation }).withResponse();
    const expected = await estimatePromptTokens(toCountChatRequest(countTokensRequestSchema.parse({ model: "mini", ...conversation })).chatRequest);
    expect(data).toEqual({ input_tokens: expected });
    expect(expected).toBeGreaterThan(20);
    expect(response.headers.get("x-modelgate-token-count")).toBe("estimated");
    expect(await lastRow(before)).toMatchObject({ provider: "openai", status: "success", inputTokens: 0, outputTokens: 0, costUsd: "0.000000000000", upstreamAttempts: 0 });
  });
});

describe("errors are Anthropic-shaped", () => {
  test("a wrong key: 401 authentication_error, no ledger row", async () => {
    const before = gateway.rows.length;
    const bad = new Anthropic({ baseURL: gateway.url, apiKey: "vk_not_a_real_key", maxRetries: 0 });
    const error = await bad.messages.countTokens({ model: "haiku", messages: [{ role: "user", content: "Hi" }] }).catch((caught) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(error.error).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gateway.rows.length).toBe(before);
  });

  test.each([
    ["no messages", { model: "haiku" }, 400, "invalid_request_error", /messages/],
    ["a bad content block", { model: "haiku", messages: [{ role: "user", content: [{ type: "video" }] }] }, 400, "invalid_request_error", /messages/],
    ["an unknown model", { model: "nope", messages: [{ role: "user", content: "Hi" }] }, 404, "not_found_error", /nope/],
  ])("%s → %i %s, recorded at zero cost", async (_, body, status, type, message) => {
    const before = gateway.rows.length;
    const response = await countRaw(body);
    expect(response.status).toBe(status);
    const json = await response.json();
    expect(json).toMatchObject({ type: "error", error: { type } });
    expect(json.error.message).toMatch(message);
    expect(await lastRow(before)).toMatchObject({ endpoint: "/v1/messages/count_tokens", status: "error", httpStatus: status, costUsd: "0.000000000000", upstreamAttempts: 0 });
  });

  test("the key's model allow-list applies", async () => {
    const response = await countRaw({ model: "haiku", messages: [{ role: "user", content: "Hi" }] }, { authorization: `Bearer ${miniOnly.token}` });
    expect(response.status).toBe(404);
    expect((await response.json()).error.type).toBe("not_found_error");
  });

  test("a provider error keeps Anthropic's shape; the row is an error at zero cost", async () => {
    const before = gateway.rows.length;
    const response = await countRaw({ model: "haiku", messages: [{ role: "user", content: "[[fake:error:429]]" }] });
    expect(response.status).toBe(429);
    expect((await response.json()).error.type).toBe("rate_limit_error");
    expect(await lastRow(before)).toMatchObject({ provider: "anthropic", status: "error", httpStatus: 429, inputTokens: 0, costUsd: "0.000000000000", upstreamAttempts: 1 });
  });

  test("GET is 405 in Anthropic's shape", async () => {
    const response = await countRaw(undefined, { "x-api-key": key.token }, "GET");
    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });
});

describe("the count fakes are strict", () => {
  test.each([
    ["max_tokens", { model: "claude-haiku-4-5-20251001", max_tokens: 10, messages: [{ role: "user", content: "x" }] }, 400, "max_tokens: Extra inputs are not permitted"],
    ["no messages", { model: "claude-haiku-4-5-20251001" }, 400, "messages: Field required"],
    ["an unknown model", { model: "claude-x", messages: [{ role: "user", content: "x" }] }, 404, "model: claude-x"],
  ])("anthropic refuses %s", async (_, body, status, message) => {
    const response = await fetch(`${anthropicFake.url}/v1/messages/count_tokens`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": FAKE_ANTHROPIC_API_KEY, "anthropic-version": "2023-06-01" }, body: JSON.stringify(body) });
    expect(response.status).toBe(status);
    expect((await response.json()).error.message).toBe(message);
  });

  test("anthropic needs x-api-key; gemini needs a matching model and no unknown fields", async () => {
    expect((await fetch(`${anthropicFake.url}/v1/messages/count_tokens`, { method: "POST", body: "{}" })).status).toBe(401);
    const gemini = (body: unknown) => fetch(`${geminiFake.url}/v1beta/models/gemini-2.5-flash:countTokens`, { method: "POST", headers: { "x-goog-api-key": FAKE_GEMINI_API_KEY }, body: JSON.stringify(body) });
    const contents = [{ role: "user", parts: [{ text: "x" }] }];
    expect((await gemini({ generateContentRequest: { model: "models/other", contents } })).status).toBe(400);
    expect((await gemini({ generateContentRequest: { model: "models/gemini-2.5-flash", contents, max_tokens: 3 } })).status).toBe(400);
    expect(await (await gemini({ contents })).json()).toMatchObject({ totalTokens: fakeGeminiTokens({ contents }) });
  });
});
