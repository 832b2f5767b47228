import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_BEDROCK_EMBEDDING_TOKENS } from "@/e2e/fakes/bedrock-embeddings";
import { FAKE_BEDROCK_CREDENTIAL, startFakeBedrock } from "@/e2e/fakes/bedrock-fake";
import type { FakeUpstream, RecordedRequest } from "@/e2e/fakes/common";
import { fakeEmbedding } from "@/e2e/fakes/fake-embeddings";
import { startFakeOpenAIEmbeddings } from "@/e2e/fakes/openai-embeddings";
import { FAKE_OPENAI_API_KEY } from "@/e2e/fakes/openai-fake";
import { decodeFloat32Base64 } from "@/server/providers/embeddings";
import { parseCredentials, signRequest } from "@/server/providers/bedrock";
import { makeKey, makeModel, postJson, startTestGateway } from "./harness";

let fake: FakeUpstream;
let openaiFake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();
const TEXTS = ["Hello world", "Embeddings are vectors.", "A third one"];

beforeAll(async () => {
  [fake, openaiFake] = await Promise.all([startFakeBedrock(), startFakeOpenAIEmbeddings()]);
  gateway = await startTestGateway({
    keys: [key.entry],
    models: [
      makeModel("titan", "bedrock", fake.url, FAKE_BEDROCK_CREDENTIAL, "amazon.titan-embed-text-v2:0"),
      makeModel("cohere", "bedrock", `${fake.url}?region=eu-west-1`, FAKE_BEDROCK_CREDENTIAL, "cohere.embed-english-v3"),
      makeModel("nova-lite", "bedrock", fake.url, FAKE_BEDROCK_CREDENTIAL, "amazon.nova-lite-v1:0"),
      makeModel("titan-wrong-secret", "bedrock", fake.url, "AKIAFAKEBEDROCK00001:not-the-secret", "amazon.titan-embed-text-v2:0"),
      makeModel("embed-small", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "text-embedding-3-small"),
    ],
  });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([fake.close(), openaiFake.close()]);
});

const embed = (body: unknown) => postJson(`${gateway.url}/v1/embeddings`, key.token, body);
const sentSince = (count: number): RecordedRequest[] => fake.received.slice(count);
/** The picodollar arithmetic of pricing.ts at the test models' 0.15 $/Mtok input price. */
const costAt015 = (tokens: number) => `0.${String(tokens * 150_000).padStart(12, "0")}`;

describe("Titan Text Embeddings V2: one signed InvokeModel call per input", () => {
  test("three inputs → three calls, vectors in input order, summed exact tokens, one ledger row", async () => {
    const rowsBefore = gateway.rows.length;
    const sent = fake.received.length;
    const response = await embed({ model: "titan", input: TEXTS, dimensions: 256 });
    expect(response.status).toBe(200);
    const tokens = FAKE_BEDROCK_EMBEDDING_TOKENS * TEXTS.length;
    expect(await response.json()).toEqual({
      object: "list",
      data: TEXTS.map((text, index) => ({ object: "embedding", index, embedding: fakeEmbedding(text, 256) })),
      model: "titan",
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
    const calls = sentSince(sent);
    expect(calls.map((call) => call.path)).toEqual(Array(3).fill("/model/amazon.titan-embed-text-v2%3A0/invoke"));
    expect(calls.map((call) => call.body).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      TEXTS.map((text) => ({ inputText: text, dimensions: 256 })).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    expect(calls.every((call) => call.headers.authorization.startsWith("AWS4-HMAC-SHA256 Credential=AKIAFAKEBEDROCK00001/"))).toBe(true);
    const rows = await gateway.waitForRows(rowsBefore + 1);
    expect(rows.length).toBe(rowsBefore + 1);
    expect(rows.at(-1)).toMatchObject({
      endpoint: "/v1/embeddings",
      provider: "bedrock",
      servedModel: "amazon.titan-embed-text-v2:0",
      status: "success",
      inputTokens: tokens,
      outputTokens: 0,
      tokensEstimated: false,
      costUsd: costAt015(tokens),
      upstreamAttempts: 3,
    });
  });

  test("base64 is encoded by the gateway; user is dropped with a warning", async () => {
    const sent = fake.received.length;
    const response = await embed({ model: "titan", input: "Hello world", encoding_format: "base64", user: "u-1" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBe("unsupported_parameter:user");
    expect(decodeFloat32Base64((await response.json()).data[0].embedding)).toEqual(fakeEmbedding("Hello world"));
    expect(sentSince(sent).map((call) => call.body)).toEqual([{ inputText: "Hello world" }]);
  });

  test("one call failing fails the request; the calls that succeeded are still billed", async () => {
    const rowsBefore = gateway.rows.length;
    const response = await embed({ model: "titan", input: ["one", "[[fake:error:400]]", "three"] });
    expect(response.status).toBe(400);
    // The fake's 400 is Bedrock's "Input is too long for requested model.": the input over the model's window.
    expect((await response.json()).error).toMatchObject({ type: "invalid_request_error", code: "context_length_exceeded", param: "input" });
    const row = (await gateway.waitForRows(rowsBefore + 1)).at(-1);
    expect(row).toMatchObject({ status: "error", httpStatus: 400, inputTokens: 2 * FAKE_BEDROCK_EMBEDDING_TOKENS, costUsd: costAt015(2 * FAKE_BEDROCK_EMBEDDING_TOKENS), upstreamAttempts: 3 });
  });

  test("a wrong secret is the fake's InvalidSignatureException, with no URL or key in the answer", async () => {
    const response = await embed({ model: "titan-wrong-secret", input: "x" });
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe("upstream_auth_failed");
    expect(text).not.toContain("127.0.0.1");
    expect(text).not.toContain("not-the-secret");
  });
});

describe("Cohere Embed v3: texts in one call", () => {
  test("input_type search_document, the region from the base URL, tokens from the usage header", async () => {
    const rowsBefore = gateway.rows.length;
    const sent = fake.received.length;
    const response = await embed({ model: "cohere", input: TEXTS.slice(0, 2) });
    expect(response.status).toBe(200);
    expect((await response.json()).data.map((item: { embedding: number[] }) => item.embedding)).toEqual(TEXTS.slice(0, 2).map((text) => fakeEmbedding(text)));
    const [call] = sentSince(sent);
    expect(call.body).toEqual({ texts: TEXTS.slice(0, 2), input_type: "search_document" });
    expect(call.headers.authorization).toContain("/eu-west-1/bedrock/aws4_request");
    expect((await gateway.waitForRows(rowsBefore + 1)).at(-1)).toMatchObject({ inputTokens: 10, tokensEstimated: false, costUsd: costAt015(10), upstreamAttempts: 1 });
  });

  test("more than 96 inputs → batches of 96", async () => {
    const sent = fake.received.length;
    const texts = Array.from({ length: 100 }, (_, index) => `text ${index}`);
    const response = await embed({ model: "cohere", input: texts });
    expect(response.status).toBe(200);
    expect((await response.json()).data.map((item: { index: number }) => item.index)).toEqual(texts.map((_, index) => index));
    expect(sentSince(sent).map((call) => (call.body as { texts: string[] }).texts.length).sort()).toEqual([4, 96]);
  });

  test("without the usage header the tokenizer estimates, flagged on the row", async () => {
    const rowsBefore = gateway.rows.length;
    const response = await embed({ model: "cohere", input: "no count [[fake:nousage]]" });
    expect(response.status).toBe(200);
    const row = (await gateway.waitForRows(rowsBefore + 1)).at(-1)!;
    expect(row.tokensEstimated).toBe(true);
    expect(row.inputTokens).toBeGreaterThan(0);
  });
});

describe("the input_type extension (Cohere's purpose field)", () => {
  test.each(["search_query", "classification", "clustering", "search_document"])("cohere: input_type %s is passed on, no warning", async (inputType) => {
    const sent = fake.received.length;
    const response = await embed({ model: "cohere", input: ["a query"], input_type: inputType });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBeNull();
    expect(sentSince(sent).map((call) => call.body)).toEqual([{ texts: ["a query"], input_type: inputType }]);
  });

  test("titan: input_type is dropped with a warning", async () => {
    const sent = fake.received.length;
    const response = await embed({ model: "titan", input: "x", input_type: "search_query" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBe("unsupported_parameter:input_type");
    expect(sentSince(sent).map((call) => call.body)).toEqual([{ inputText: "x" }]);
  });

  test("another provider (openai): ignored with a warning, not forwarded", async () => {
    const sent = openaiFake.received.length;
    const response = await embed({ model: "embed-small", input: "x", input_type: "search_query" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBe("unsupported_parameter:input_type");
    expect(openaiFake.received.slice(sent).map((call) => call.body)).toEqual([expect.not.objectContaining({ input_type: expect.anything() })]);
  });

  test.each([["image"], ["query"], [7]])("an unknown value (%s) is a 400 naming the allowed values, before any call", async (inputType) => {
    const rowsBefore = gateway.rows.length;
    const sent = fake.received.length;
    const response = await embed({ model: "cohere", input: "x", input_type: inputType });
    expect(response.status).toBe(400);
    const { error } = await response.json();
    expect(error).toMatchObject({ type: "invalid_request_error", param: "input_type", code: "invalid_value" });
    expect(error.message).toBe("Invalid value for 'input_type': expected one of search_document, search_query, classification, clustering.");
    expect(fake.received.length).toBe(sent);
    expect((await gateway.waitForRows(rowsBefore + 1)).at(-1)).toMatchObject({ status: "error", httpStatus: 400, upstreamAttempts: 0 });
  });
});

describe("refused before Bedrock", () => {
  test.each([
    ["Cohere with dimensions", { model: "cohere", input: "x", dimensions: 256 }, { param: "dimensions", code: "unsupported_parameter" }],
    ["Titan with 768 dimensions", { model: "titan", input: "x", dimensions: 768 }, { param: "dimensions", code: "invalid_value" }],
    ["token ids", { model: "titan", input: [1, 2, 3] }, { param: "input", code: "unsupported_input" }],
    ["a chat model", { model: "nova-lite", input: "x" }, { param: "model", code: "unsupported_endpoint" }],
  ])("%s → 400, no call, a zero-cost row", async (_, body, error) => {
    const rowsBefore = gateway.rows.length;
    const sent = fake.received.length;
    const response = await embed(body);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ type: "invalid_request_error", ...error });
    expect(fake.received.length).toBe(sent);
    expect((await gateway.waitForRows(rowsBefore + 1)).at(-1)).toMatchObject({ status: "error", costUsd: "0.000000000000", upstreamAttempts: 0 });
  });
});

describe("the fake's InvokeModel route is strict", () => {
  async function invoke(modelId: string, body: unknown, signed = true) {
    const url = `${fake.url}/model/${encodeURIComponent(modelId)}/invoke`;
    const text = JSON.stringify(body);
    const headers: Record<string, string> = { "content-type": "application/json" };
    const auth = signed ? await signRequest({ method: "POST", url, headers, body: text }, { credentials: parseCredentials(FAKE_BEDROCK_CREDENTIAL)!, region: "us-east-1", service: "bedrock", now: new Date() }) : {};
    return fetch(url, { method: "POST", headers: { ...headers, ...auth }, body: text });
  }

  test.each<[string, string, unknown, string]>([
    ["an OpenAI body to Titan", "amazon.titan-embed-text-v2:0", { input: "x" }, "extraneous key [input]"],
    ["Titan without inputText", "amazon.titan-embed-text-v2:0", { dimensions: 256 }, "required key [inputText]"],
    ["Titan with 768 dimensions", "amazon.titan-embed-text-v2:0", { inputText: "x", dimensions: 768 }, "#/dimensions"],
    ["Cohere without input_type", "cohere.embed-english-v3", { texts: ["x"] }, "required key [input_type]"],
    ["Cohere with 97 texts", "cohere.embed-english-v3", { texts: Array(97).fill("x"), input_type: "search_query" }, "maximum item count: 96"],
    ["Cohere with a 2049-character text", "cohere.embed-english-v3", { texts: ["x".repeat(2049)], input_type: "search_query" }, "maxLength: 2048"],
    ["an unknown model", "amazon.titan-embed-image-v1", { inputText: "x" }, "model identifier is invalid"],
  ])("%s → 400 ValidationException", async (_, modelId, body, message) => {
    const response = await invoke(modelId, body);
    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")?.split(":")[0]).toBe("ValidationException");
    expect((await response.json()).message).toContain(message);
  });

  test("an unsigned call is refused; a valid one answers as documented", async () => {
    expect((await invoke("amazon.titan-embed-text-v2:0", { inputText: "x" }, false)).status).toBe(403);
    const response = await invoke("amazon.titan-embed-text-v2:0", { inputText: "x", normalize: true, embeddingTypes: ["float"] });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-amzn-bedrock-input-token-count")).toBe(String(FAKE_BEDROCK_EMBEDDING_TOKENS));
    expect(await response.json()).toEqual({ embedding: fakeEmbedding("x"), inputTextTokenCount: FAKE_BEDROCK_EMBEDDING_TOKENS, embeddingsByType: { float: fakeEmbedding("x") } });
  });
});
