import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_ANTHROPIC_API_KEY } from "@/e2e/fakes/anthropic-fake";
import type { FakeUpstream, RecordedRequest } from "@/e2e/fakes/common";
import { fakeEmbedding } from "@/e2e/fakes/fake-embeddings";
import { startFakeGeminiEmbeddings } from "@/e2e/fakes/gemini-embeddings";
import { FAKE_GEMINI_API_KEY } from "@/e2e/fakes/gemini-fake";
import { startFakeOpenAIEmbeddings } from "@/e2e/fakes/openai-embeddings";
import { FAKE_OPENAI_API_KEY } from "@/e2e/fakes/openai-fake";
import { decodeFloat32Base64 } from "@/server/providers/embeddings";
import { makeKey, makeModel, startTestGateway } from "./harness";

let openaiFake: FakeUpstream;
let geminiFake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();
const TEXTS = ["Hello world", "Embeddings are vectors."];

beforeAll(async () => {
  [openaiFake, geminiFake] = await Promise.all([startFakeOpenAIEmbeddings(), startFakeGeminiEmbeddings()]);
  gateway = await startTestGateway({
    keys: [key.entry],
    models: [
      makeModel("embed-small", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "text-embedding-3-small"),
      makeModel("gemini-embed", "gemini", `${geminiFake.url}/v1beta`, FAKE_GEMINI_API_KEY, "gemini-embedding-001"),
      makeModel("haiku", "anthropic", "http://127.0.0.1:9/v1", FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001"),
    ],
  });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openaiFake.close(), geminiFake.close()]);
});

function embed(body: unknown, token = key.token, method = "POST") {
  return fetch(`${gateway.url}/v1/embeddings`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: method === "POST" ? JSON.stringify(body) : undefined,
  });
}

const lastRequest = (fake: FakeUpstream): RecordedRequest => fake.received.at(-1)!;

describe("OpenAI", () => {
  test("floats, the provider's usage, one ledger row with the exact cost", async () => {
    const before = gateway.rows.length;
    const response = await embed({ model: "embed-small", input: TEXTS, dimensions: 4 });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-provider")).toBe("openai");
    expect(await response.json()).toEqual({
      object: "list",
      data: TEXTS.map((text, index) => ({ object: "embedding", index, embedding: fakeEmbedding(text, 4) })),
      model: "embed-small",
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
    expect(lastRequest(openaiFake).body).toEqual({ model: "text-embedding-3-small", input: TEXTS, dimensions: 4 });
    const rows = await gateway.waitForRows(before + 1);
    expect(rows.at(-1)).toMatchObject({
      id: response.headers.get("x-request-id"),
      endpoint: "/v1/embeddings",
      requestedModel: "embed-small",
      servedModel: "text-embedding-3-small",
      status: "success",
      httpStatus: 200,
      inputTokens: 8,
      outputTokens: 0,
      tokensEstimated: false,
      costUsd: "0.000001200000",
      stream: false,
      upstreamAttempts: 1,
    });
  });

  test("base64 is asked of OpenAI and passed through", async () => {
    const response = await embed({ model: "embed-small", input: "Hello world", encoding_format: "base64" });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(typeof body.data[0].embedding).toBe("string");
    expect(decodeFloat32Base64(body.data[0].embedding)).toEqual(fakeEmbedding("Hello world"));
    expect(lastRequest(openaiFake).body).toMatchObject({ encoding_format: "base64" });
  });

  test("token-id input is accepted", async () => {
    const response = await embed({ model: "embed-small", input: [[15339, 1917]] });
    expect(response.status).toBe(200);
    expect((await response.json()).data).toEqual([{ object: "embedding", index: 0, embedding: fakeEmbedding("15339 1917") }]);
  });

  test("an unknown field is not forwarded; it becomes a warning", async () => {
    const response = await embed({ model: "embed-small", input: "Hello world", task: "search" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBe("unsupported_parameter:task");
    expect(lastRequest(openaiFake).body).toEqual({ model: "text-embedding-3-small", input: "Hello world" });
  });

  test("a provider error keeps OpenAI's shape", async () => {
    const response = await embed({ model: "embed-small", input: "[[fake:error:400]]" });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toEqual({ message: "openai: Fake error 400.", type: "invalid_request_error", code: "upstream_invalid_request", param: null });
  });
});

describe("Gemini", () => {
  test("floats, dimensions → outputDimensionality, estimated usage flagged on the row", async () => {
    const before = gateway.rows.length;
    const response = await embed({ model: "gemini-embed", input: TEXTS, dimensions: 3 });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      object: "list",
      data: TEXTS.map((text, index) => ({ object: "embedding", index, embedding: fakeEmbedding(text, 3) })),
      model: "gemini-embed",
      usage: { prompt_tokens: 7, total_tokens: 7 },
    });
    const upstream = lastRequest(geminiFake);
    expect(upstream.path).toBe("/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(upstream.headers["x-goog-api-key"]).toBe(FAKE_GEMINI_API_KEY);
    expect(upstream.body).toEqual({ requests: TEXTS.map((text) => ({ model: "models/gemini-embedding-001", content: { parts: [{ text }] }, outputDimensionality: 3 })) });
    const rows = await gateway.waitForRows(before + 1);
    expect(rows.at(-1)).toMatchObject({ endpoint: "/v1/embeddings", provider: "gemini", status: "success", inputTokens: 7, outputTokens: 0, tokensEstimated: true, costUsd: "0.000001050000" });
  });

  test("base64 is encoded by the gateway, float32 little-endian", async () => {
    const response = await embed({ model: "gemini-embed", input: "Hello world", encoding_format: "base64" });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.data[0].embedding).toBe(Buffer.from(new Float32Array(fakeEmbedding("Hello world")).buffer).toString("base64"));
    expect(lastRequest(geminiFake).body).toEqual({ requests: [{ model: "models/gemini-embedding-001", content: { parts: [{ text: "Hello world" }] } }] });
  });

  test("token-id input is refused before the provider", async () => {
    const sent = geminiFake.received.length;
    const response = await embed({ model: "gemini-embed", input: [1, 2, 3] });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ code: "unsupported_input", param: "input" });
    expect(geminiFake.received.length).toBe(sent);
  });
});

describe("errors", () => {
  test.each([
    ["unknown model", { model: "nope", input: "x" }, 404, { code: "model_not_found", param: "model", message: "The model `nope` does not exist or you do not have access to it." }],
    ["chat-only provider", { model: "haiku", input: "x" }, 400, { code: "unsupported_endpoint", param: "model", message: "The model `haiku` does not support embeddings.", type: "invalid_request_error" }],
    ["missing input", { model: "embed-small" }, 400, { code: "missing_required_parameter", param: "input" }],
    ["bad encoding_format", { model: "embed-small", input: "x", encoding_format: "int8" }, 400, { code: "invalid_value", param: "encoding_format" }],
    ["empty string", { model: "embed-small", input: "" }, 400, { code: "invalid_value", param: "input" }],
  ])("%s", async (_, body, status, error) => {
    const before = gateway.rows.length;
    const response = await embed(body);
    expect(response.status).toBe(status);
    expect((await response.json()).error).toMatchObject(error);
    const rows = await gateway.waitForRows(before + 1);
    expect(rows.at(-1)).toMatchObject({ endpoint: "/v1/embeddings", status: "error", httpStatus: status, inputTokens: 0, costUsd: "0.000000000000", upstreamAttempts: 0 });
  });

  test("a bad key is refused with no ledger row", async () => {
    const before = gateway.rows.length;
    const response = await embed({ model: "embed-small", input: "x" }, "vk_not_a_real_key");
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe("invalid_api_key");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gateway.rows.length).toBe(before);
  });

  test("GET is 405", async () => {
    const response = await embed(undefined, key.token, "GET");
    expect(response.status).toBe(405);
    expect((await response.json()).error.code).toBe("method_not_allowed");
  });
});
