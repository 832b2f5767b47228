import { describe, expect, test } from "vitest";
import { embeddingsRequestSchema, type EmbeddingsRequest } from "@/server/gateway/embeddings/embeddings-request";
import type { Target } from "@/server/gateway/types";
import { authorized, referenceSignature, sha256Hex } from "../bedrock/test-utils";
import { COHERE_MAX_TEXTS, createBedrockEmbeddings } from "./bedrock";

const NOW = new Date("2026-11-27T12:00:00.000Z");
const adapter = createBedrockEmbeddings({ now: () => NOW });
const SECRET = "secret/key+value";
const titan: Target = { provider: "bedrock", connectionId: "conn_1", baseUrl: "https://bedrock-runtime.eu-west-1.amazonaws.com", apiKey: `AKIDTEST:${SECRET}`, upstreamModel: "amazon.titan-embed-text-v2:0", modelName: "titan-embed" };
const cohere: Target = { ...titan, upstreamModel: "cohere.embed-english-v3", modelName: "cohere-embed" };

function request(fields: Record<string, unknown>): EmbeddingsRequest {
  return embeddingsRequestSchema.parse({ model: "embed", input: "hello", ...fields });
}

function build(fields: Record<string, unknown>, target: Target) {
  const built = adapter.buildEmbeddingsRequest(request(fields), target);
  if (!built.ok) throw new Error(`unexpected error: ${JSON.stringify(built.error)}`);
  return { ...built.value, json: JSON.parse(built.value.body) as Record<string, unknown> };
}

describe("Titan Text Embeddings V2", () => {
  test("one InvokeModel call, signed for the region in the host", async () => {
    const built = build({ input: "hello", dimensions: 256 }, titan);
    expect(built.url).toBe("https://bedrock-runtime.eu-west-1.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke");
    expect(built.json).toEqual({ inputText: "hello", dimensions: 256 });
    const upstream = await authorized(adapter, built, titan);
    expect(upstream.headers).toMatchObject({ "content-type": "application/json", accept: "application/json", "x-amz-date": "20261127T120000Z" });
    const bodyHash = sha256Hex(upstream.body);
    const canonicalRequest = [
      "POST",
      "/model/amazon.titan-embed-text-v2%253A0/invoke",
      "",
      "accept:application/json",
      "content-type:application/json",
      "host:bedrock-runtime.eu-west-1.amazonaws.com",
      `x-amz-content-sha256:${bodyHash}`,
      "x-amz-date:20261127T120000Z",
      "",
      "accept;content-type;host;x-amz-content-sha256;x-amz-date",
      bodyHash,
    ].join("\n");
    const signature = referenceSignature(canonicalRequest, { secretAccessKey: SECRET, amzDate: "20261127T120000Z", region: "eu-west-1", service: "bedrock" });
    expect(upstream.headers.authorization).toBe(`AWS4-HMAC-SHA256 Credential=AKIDTEST/20261127/eu-west-1/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date, Signature=${signature}`);
  });

  test("several inputs are split into one request per input, in order", () => {
    const parts = adapter.splitEmbeddingsRequest!(request({ input: ["a", "b", "c"], dimensions: 512 }), titan);
    expect(parts.map((part) => part.input)).toEqual([["a"], ["b"], ["c"]]);
    expect(parts.every((part) => part.dimensions === 512)).toBe(true);
  });

  test.each([
    ["dimensions not offered", { dimensions: 768 }, { param: "dimensions", code: "invalid_value", message: "Amazon Titan Text Embeddings V2 supports dimensions 256, 512, 1024; got 768." }],
    ["token ids", { input: [1, 2, 3] }, { param: "input", code: "unsupported_input", message: "Token-id input is not supported for bedrock models; send the text instead." }],
    ["two inputs in one call", { input: ["a", "b"] }, { param: "input", code: "invalid_value", message: "Amazon Titan embeds one input per call." }],
  ])("refused: %s", (_, fields, error) => {
    expect(adapter.buildEmbeddingsRequest(request(fields), titan)).toEqual({ ok: false, error: { kind: "invalid_request", ...error } });
  });

  test("user is dropped with a warning; base64 is not forwarded (the gateway encodes)", () => {
    const upstream = build({ user: "u-1", encoding_format: "base64" }, titan);
    expect(upstream.json).toEqual({ inputText: "hello" });
    expect(upstream.warnings.map((warning) => `${warning.code}:${warning.param}`)).toEqual(["unsupported_parameter:user"]);
  });

  test("response: the vector and inputTextTokenCount", () => {
    const body = { embedding: [0.5, -0.25], inputTextTokenCount: 3, embeddingsByType: { float: [0.5, -0.25] } };
    expect(adapter.parseEmbeddingsResponse(body, new Headers())).toEqual({ ok: true, value: { embeddings: [[0.5, -0.25]], usage: { inputTokens: 3 } } });
  });
});

describe("Cohere Embed v3", () => {
  test("texts with input_type search_document; inference-profile ids are recognised", () => {
    const upstream = build({ input: ["a", "b"] }, { ...cohere, upstreamModel: "us.cohere.embed-multilingual-v3" });
    expect(upstream.url).toBe("https://bedrock-runtime.eu-west-1.amazonaws.com/model/us.cohere.embed-multilingual-v3/invoke");
    expect(upstream.json).toEqual({ texts: ["a", "b"], input_type: "search_document" });
  });

  test.each(["search_query", "classification", "clustering"])("input_type %s is passed on", (inputType) => {
    expect(build({ input: ["a"], input_type: inputType }, cohere).json).toEqual({ texts: ["a"], input_type: inputType });
    expect(build({ input: ["a"], input_type: inputType }, cohere).warnings).toEqual([]);
  });

  test("Titan has no input_type: dropped with a warning", () => {
    const upstream = build({ input_type: "search_query" }, titan);
    expect(upstream.json).toEqual({ inputText: "hello" });
    expect(upstream.warnings).toEqual([expect.objectContaining({ code: "unsupported_parameter", param: "input_type" })]);
  });

  test("an input_type Cohere does not document for text is refused by the schema", () => {
    for (const inputType of ["image", "query", 3]) expect(embeddingsRequestSchema.safeParse({ model: "embed", input: "x", input_type: inputType }).success).toBe(false);
  });

  test(`split into calls of at most ${COHERE_MAX_TEXTS} texts`, () => {
    const texts = Array.from({ length: 200 }, (_, index) => `t${index}`);
    const parts = adapter.splitEmbeddingsRequest!(request({ input: texts }), cohere);
    expect(parts.map((part) => (part.input as string[]).length)).toEqual([96, 96, 8]);
    expect(parts.flatMap((part) => part.input as string[])).toEqual(texts);
  });

  test("dimensions cannot be honoured: 400", () => {
    expect(adapter.buildEmbeddingsRequest(request({ dimensions: 256 }), cohere)).toEqual({
      ok: false,
      error: { kind: "invalid_request", param: "dimensions", code: "unsupported_parameter", message: "Cohere Embed v3 vectors have a fixed size; remove `dimensions`." },
    });
  });

  test("response: embeddings_floats; the token count comes from the header, else none", () => {
    const body = { embeddings: [[1], [2]], id: "x", response_type: "embeddings_floats", texts: ["a", "b"] };
    expect(adapter.parseEmbeddingsResponse(body, new Headers({ "x-amzn-bedrock-input-token-count": "9" }))).toEqual({ ok: true, value: { embeddings: [[1], [2]], usage: { inputTokens: 9 } } });
    expect(adapter.parseEmbeddingsResponse(body)).toEqual({ ok: true, value: { embeddings: [[1], [2]], usage: undefined } });
    const byType = { embeddings: { float: [[3]] }, id: "y", response_type: "embeddings_by_type", texts: ["c"] };
    expect(adapter.parseEmbeddingsResponse(byType)).toEqual({ ok: true, value: { embeddings: [[3]], usage: undefined } });
  });
});

describe("other Bedrock models and bodies", () => {
  test("a chat model is not an embeddings model", () => {
    const built = adapter.buildEmbeddingsRequest(request({}), { ...titan, upstreamModel: "amazon.nova-lite-v1:0", modelName: "nova-lite" });
    expect(built).toMatchObject({ ok: false, error: { kind: "invalid_request", param: "model", code: "unsupported_endpoint" } });
    expect(adapter.splitEmbeddingsRequest!(request({ input: ["a", "b"] }), { ...titan, upstreamModel: "amazon.nova-lite-v1:0" })).toHaveLength(1);
  });

  test("a malformed credential is sent unsigned with a warning", async () => {
    const malformed = { ...titan, apiKey: "not-a-pair" };
    const upstream = await authorized(adapter, build({}, malformed), malformed);
    expect(upstream.headers.authorization).toBeUndefined();
    expect(upstream.warnings.map((warning) => warning.code)).toEqual(["other"]);
  });

  test("an unreadable body is a 502", () => {
    expect(adapter.parseEmbeddingsResponse({ vectors: [] })).toEqual({ ok: false, error: { kind: "upstream", provider: "bedrock", status: 502, message: "the provider sent an embeddings response the gateway cannot read" } });
  });
});
