import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_ANTHROPIC_API_KEY } from "@/e2e/fakes/anthropic-fake";
import { fakeInputTokens, startFakeAnthropicCountTokens } from "@/e2e/fakes/anthropic-count-tokens-fake";
import { FAKE_BEDROCK_UNCOUNTED_CLAUDE, fakeBedrockCountTokens } from "@/e2e/fakes/bedrock-count-tokens";
import { FAKE_BEDROCK_CREDENTIAL, startFakeBedrock } from "@/e2e/fakes/bedrock-fake";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_GEMINI_API_KEY } from "@/e2e/fakes/gemini-fake";
import { fakeGeminiTokens, startFakeGeminiCountTokens } from "@/e2e/fakes/gemini-count-tokens-fake";
import { FAKE_OPENAI_API_KEY } from "@/e2e/fakes/openai-fake";
import { FAKE_VERTEX_LOCATION, FAKE_VERTEX_PROJECT, startFakeVertex, type FakeVertex } from "@/e2e/fakes/vertex-fake";
import { countTokensRequestSchema, toCountChatRequest } from "../count-tokens/count-request";
import { estimatePromptTokens } from "../estimate-tokens";
import { makeKey, makeModel, startTestGateway } from "./harness";

/** POST /v1/messages/count_tokens through the official Anthropic SDK (client.messages.countTokens). */
let anthropicFake: FakeUpstream;
let geminiFake: FakeUpstream;
let vertexFake: FakeVertex;
let bedrockFake: FakeUpstream;
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
  [anthropicFake, geminiFake, vertexFake, bedrockFake] = await Promise.all([startFakeAnthropicCountTokens(), startFakeGeminiCountTokens(), startFakeVertex(), startFakeBedrock()]);
  const vertexBase = `${vertexFake.url}/v1/projects/${FAKE_VERTEX_PROJECT}/locations/${FAKE_VERTEX_LOCATION}`;
  gateway = await startTestGateway({
    keys: [key.entry, miniOnly.entry],
    models: [
      makeModel("haiku", "anthropic", `${anthropicFake.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001"),
      makeModel("flash", "gemini", `${geminiFake.url}/v1beta`, FAKE_GEMINI_API_KEY, "gemini-2.5-flash"),
      // Never called: OpenAI has no token-counting endpoint, so the gateway estimates.
      makeModel("mini", "openai", "http://127.0.0.1:9/v1", FAKE_OPENAI_API_KEY, "gpt-4o-mini"),
      makeModel("vertex-flash", "vertex", vertexBase, vertexFake.serviceAccountJson, "gemini-2.5-flash"),
      makeModel("vertex-sonnet", "vertex", vertexBase, vertexFake.serviceAccountJson, "claude-sonnet-4-5@20250929"),
      makeModel("vertex-bad-key", "vertex", vertexBase, vertexFake.unknownKeyJson, "gemini-2.5-flash"),
      // A cross-Region inference profile: counted with its foundation model id.
      makeModel("bedrock-haiku", "bedrock", bedrockFake.url, FAKE_BEDROCK_CREDENTIAL, "us.anthropic.claude-haiku-4-5-20251001-v1:0"),
      makeModel("bedrock-claude-3", "bedrock", bedrockFake.url, FAKE_BEDROCK_CREDENTIAL, FAKE_BEDROCK_UNCOUNTED_CLAUDE),
      makeModel("bedrock-nova", "bedrock", bedrockFake.url, FAKE_BEDROCK_CREDENTIAL, "amazon.nova-lite-v1:0"),
    ],
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: key.token, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([anthropicFake.close(), geminiFake.close(), vertexFake.close(), bedrockFake.close()]);
});

function countRaw(body: unknown, headers: Record<string, string> = { "x-api-key": key.token }, method = "POST") {
  return fetch(`${gateway.url}/v1/messages/count_tokens`, { method, headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", ...headers }, body: method === "POST" ? JSON.stringify(body) : undefined });
}

async function lastRow(before: number) {
  return (await gateway.waitForRows(before + 1)).at(-1)!;
}

/** What the gateway's tokenizer says for a count body (the fallback's answer). */
function estimateOf(body: Record<string, unknown>) {
  return estimatePromptTokens(toCountChatRequest(countTokensRequestSchema.parse(body)).chatRequest);
}

const exactRow = (provider: string) => ({ endpoint: "/v1/messages/count_tokens", provider, status: "success", httpStatus: 200, inputTokens: 0, outputTokens: 0, costUsd: "0.000000000000", upstreamAttempts: 1 });

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

describe("exact counts on Vertex AI and Bedrock", () => {
  const vertexPath = `/v1/projects/${FAKE_VERTEX_PROJECT}/locations/${FAKE_VERTEX_LOCATION}/publishers`;

  test("vertex gemini: publishers/google/models/{model}:countTokens with the count fields of the translation, bearer-authorized", async () => {
    const before = gateway.rows.length;
    const { data, response } = await client.messages.countTokens({ model: "vertex-flash", ...conversation }).withResponse();
    const forwarded = vertexFake.received.at(-1)!;
    expect(forwarded.path).toBe(`${vertexPath}/google/models/gemini-2.5-flash:countTokens`);
    expect(forwarded.headers.authorization).toMatch(/^Bearer ya29\.fake-/);
    const body = forwarded.body as Record<string, unknown>;
    expect(Object.keys(body).every((field) => ["contents", "systemInstruction", "tools", "generationConfig"].includes(field))).toBe(true);
    expect(body).toMatchObject({ systemInstruction: { parts: [{ text: "Be brief." }] }, tools: [{ functionDeclarations: [expect.objectContaining({ name: "get_weather" })] }] });
    expect(body.contents).toHaveLength(3);
    expect(data).toEqual({ input_tokens: fakeGeminiTokens(body) });
    expect(response.headers.get("x-modelgate-token-count")).toBe("exact");
    expect(await lastRow(before)).toMatchObject({ ...exactRow("vertex"), requestedModel: "vertex-flash", tokensEstimated: false });
  });

  test("vertex claude: publishers/anthropic/models/count-tokens:rawPredict with the client's body and the Vertex model id", async () => {
    const before = gateway.rows.length;
    const { data, response } = await client.messages.countTokens({ model: "vertex-sonnet", ...conversation }).withResponse();
    const forwarded = vertexFake.received.at(-1)!;
    expect(forwarded.path).toBe(`${vertexPath}/anthropic/models/count-tokens:rawPredict`);
    expect(forwarded.headers.authorization).toMatch(/^Bearer ya29\.fake-/);
    expect(forwarded.body).toEqual({ anthropic_version: "vertex-2023-10-16", model: "claude-sonnet-4-5@20250929", ...conversation });
    expect(data).toEqual({ input_tokens: fakeInputTokens(conversation) });
    expect(response.headers.get("x-modelgate-token-count")).toBe("exact");
    expect(await lastRow(before)).toMatchObject(exactRow("vertex"));
  });

  test("bedrock claude: signed CountTokens on the foundation model of the inference profile, with the Converse translation", async () => {
    const before = gateway.rows.length;
    const { data, response } = await client.messages.countTokens({ model: "bedrock-haiku", ...conversation }).withResponse();
    const forwarded = bedrockFake.received.at(-1)!;
    expect(forwarded.path).toBe("/model/anthropic.claude-haiku-4-5-20251001-v1%3A0/count-tokens");
    expect(forwarded.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKEBEDROCK00001\/\d{8}\/us-east-1\/bedrock\/aws4_request/);
    const converse = (forwarded.body as { input: { converse: Record<string, unknown> } }).input.converse;
    expect(Object.keys(converse).sort()).toEqual(["messages", "system", "toolConfig"]);
    expect(converse).toMatchObject({ system: [{ text: "Be brief." }], toolConfig: { tools: [{ toolSpec: { name: "get_weather" } }] } });
    expect(converse.messages).toHaveLength(3);
    expect(data).toEqual({ input_tokens: fakeBedrockCountTokens(converse) });
    expect(response.headers.get("x-modelgate-token-count")).toBe("exact");
    expect(await lastRow(before)).toMatchObject(exactRow("bedrock"));
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

  test("bedrock nova: no CountTokens for non-Claude models, no upstream call", async () => {
    const sent = bedrockFake.received.length;
    const before = gateway.rows.length;
    const response = await countRaw({ model: "bedrock-nova", ...conversation });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ input_tokens: await estimateOf({ model: "bedrock-nova", ...conversation }) });
    expect(response.headers.get("x-modelgate-token-count")).toBe("estimated");
    expect(bedrockFake.received.length).toBe(sent);
    expect(await lastRow(before)).toMatchObject({ provider: "bedrock", status: "success", costUsd: "0.000000000000", upstreamAttempts: 0 });
  });

  test("bedrock: a model Bedrock says it cannot count is estimated, with a warning", async () => {
    const before = gateway.rows.length;
    const response = await countRaw({ model: "bedrock-claude-3", ...conversation });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ input_tokens: await estimateOf({ model: "bedrock-claude-3", ...conversation }) });
    expect(response.headers.get("x-modelgate-token-count")).toBe("estimated");
    expect(response.headers.get("x-modelgate-warnings")).toBe("other:input_tokens");
    expect(bedrockFake.received.at(-1)!.path).toBe(`/model/${encodeURIComponent(FAKE_BEDROCK_UNCOUNTED_CLAUDE)}/count-tokens`);
    expect(await lastRow(before)).toMatchObject({ provider: "bedrock", status: "success", httpStatus: 200, costUsd: "0.000000000000", upstreamAttempts: 1 });
  });
});

describe("a failing counter: transient trouble is estimated, request and credential errors surface", () => {
  test.each([
    ["anthropic 429", "haiku", 429],
    ["anthropic 529 overloaded", "haiku", 529],
    ["vertex gemini 503", "vertex-flash", 503],
    ["vertex claude 500", "vertex-sonnet", 500],
    ["bedrock 500", "bedrock-haiku", 500],
  ])("%s → 200 with the estimate, marked estimated, a warning on the row", async (_, model, status) => {
    const before = gateway.rows.length;
    const body = { model, messages: [{ role: "user", content: `Count me [[fake:error:${status}]]` }] };
    const response = await countRaw(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ input_tokens: await estimateOf(body) });
    expect(response.headers.get("x-modelgate-token-count")).toBe("estimated");
    expect(response.headers.get("x-modelgate-warnings")).toContain("other:input_tokens");
    const row = await lastRow(before);
    expect(row).toMatchObject({ status: "success", httpStatus: 200, inputTokens: 0, costUsd: "0.000000000000", upstreamAttempts: 1 });
    expect(row.warnings).toContainEqual(expect.objectContaining({ param: "input_tokens", message: `The provider's token counter failed (HTTP ${status}); input_tokens is the gateway's estimate.` }));
  });

  test.each([
    ["anthropic 400", "haiku", "[[fake:error:400]]", 400, "invalid_request_error"],
    // The provider refusing the gateway's own credential is a gateway-side fault: 502, as on /v1/messages.
    ["anthropic 403", "haiku", "[[fake:error:403]]", 502, "api_error"],
    ["bedrock 403 AccessDenied", "bedrock-haiku", "[[fake:error:403]]", 502, "api_error"],
    ["bedrock 400 ValidationException", "bedrock-haiku", "[[fake:error:400]]", 400, "invalid_request_error"],
    ["vertex, a service account the token endpoint refuses", "vertex-bad-key", "Hi", 502, "api_error"],
  ])("%s → surfaced in Anthropic's shape, no estimate", async (_, model, text, status, type) => {
    const before = gateway.rows.length;
    const response = await countRaw({ model, messages: [{ role: "user", content: text }] });
    expect(response.status).toBe(status);
    expect(response.headers.get("x-modelgate-token-count")).toBeNull();
    const json = await response.json();
    expect(json).toMatchObject({ type: "error", error: { type } });
    expect(JSON.stringify(json)).not.toMatch(/127\.0\.0\.1|ya29|AKIA|PRIVATE KEY/);
    expect(await lastRow(before)).toMatchObject({ status: "error", httpStatus: status, inputTokens: 0, costUsd: "0.000000000000" });
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
    const response = await countRaw({ model: "haiku", messages: [{ role: "user", content: "[[fake:error:404]]" }] });
    expect(response.status).toBe(404);
    expect((await response.json()).error.type).toBe("not_found_error");
    expect(await lastRow(before)).toMatchObject({ provider: "anthropic", status: "error", httpStatus: 404, inputTokens: 0, costUsd: "0.000000000000", upstreamAttempts: 1 });
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
