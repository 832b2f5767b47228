import { describe, expect, test } from "vitest";
import { embeddingsRequestSchema, type EmbeddingsRequest } from "@/server/gateway/embeddings/embeddings-request";
import type { Target } from "@/server/gateway/types";
import { decodeFloat32Base64, embeddingsAdapters, encodeFloat32Base64, type EmbeddingsAdapter } from ".";

const openaiTarget: Target = { provider: "openai", connectionId: "conn_1", baseUrl: "https://api.openai.com/v1", apiKey: "sk-test-key", upstreamModel: "text-embedding-3-small", modelName: "embed" };
const geminiTarget: Target = { ...openaiTarget, provider: "gemini", baseUrl: "https://generativelanguage.googleapis.com/v1beta", apiKey: "AIza-test", upstreamModel: "gemini-embedding-001" };

function request(fields: Record<string, unknown>): EmbeddingsRequest {
  return embeddingsRequestSchema.parse({ model: "embed", input: "hello", ...fields });
}

function build(adapter: EmbeddingsAdapter, fields: Record<string, unknown>, target: Target) {
  const built = adapter.buildEmbeddingsRequest(request(fields), target);
  if (!built.ok) throw new Error(`unexpected error: ${JSON.stringify(built.error)}`);
  return { ...built.value, json: JSON.parse(built.value.body) as Record<string, unknown> };
}

const openai = embeddingsAdapters.openai!;
const gemini = embeddingsAdapters.gemini!;

describe("base64 float32 (little-endian), as OpenAI encodes it", () => {
  test.each([
    [[1, -2, 0.5], "AACAPwAAAMAAAAA/"],
    [[0.1], "zczMPQ=="],
    [[], ""],
  ])("%j → %s", (vector, expected) => {
    expect(encodeFloat32Base64(vector)).toBe(expected);
  });

  test("round-trips float32 values bit for bit", () => {
    const vector = [Math.fround(0.0023064255), Math.fround(-0.009327292), Math.fround(-0.0028842222)];
    expect(decodeFloat32Base64(encodeFloat32Base64(vector))).toEqual(vector);
  });
});

describe("OpenAI wire format", () => {
  test("openai: every field passes through, token input is allowed", () => {
    const upstream = build(openai, { input: [[1, 2, 3], [4]], dimensions: 256, encoding_format: "base64", user: "u-1" }, openaiTarget);
    expect(upstream.url).toBe("https://api.openai.com/v1/embeddings");
    expect(upstream.headers).toEqual({ "content-type": "application/json", authorization: "Bearer sk-test-key" });
    expect(upstream.json).toEqual({ model: "text-embedding-3-small", input: [[1, 2, 3], [4]], dimensions: 256, encoding_format: "base64", user: "u-1" });
    expect(upstream.warnings).toEqual([]);
  });

  test("mistral: dimensions → output_dimension, user dropped with a warning, token input refused", () => {
    const mistral = embeddingsAdapters.mistral!;
    const target = { ...openaiTarget, provider: "mistral" as const, baseUrl: "https://api.mistral.ai/v1", upstreamModel: "codestral-embed" };
    const upstream = build(mistral, { input: ["a", "b"], dimensions: 512, user: "u-1", encoding_format: "float" }, target);
    expect(upstream.url).toBe("https://api.mistral.ai/v1/embeddings");
    expect(upstream.json).toEqual({ model: "codestral-embed", input: ["a", "b"], output_dimension: 512, encoding_format: "float" });
    expect(upstream.warnings.map((warning) => `${warning.code}:${warning.param}`)).toEqual(["renamed_parameter:dimensions", "unsupported_parameter:user"]);
    expect(mistral.buildEmbeddingsRequest(request({ input: [1, 2] }), target)).toEqual({
      ok: false,
      error: { kind: "invalid_request", message: "Token-id input is not supported for mistral models; send the text instead.", param: "input", code: "unsupported_input" },
    });
  });

  test("local: no key means no Authorization; floats are asked for, the gateway encodes base64", () => {
    const upstream = build(embeddingsAdapters.local!, { encoding_format: "base64", dimensions: 64 }, { ...openaiTarget, provider: "local", baseUrl: "http://localhost:11434/v1", apiKey: "", upstreamModel: "nomic-embed-text" });
    expect(upstream.headers).toEqual({ "content-type": "application/json" });
    expect(upstream.json).toEqual({ model: "nomic-embed-text", input: "hello", dimensions: 64 });
  });

  test("response: data ordered by index, usage read", () => {
    const body = {
      object: "list",
      data: [
        { object: "embedding", index: 1, embedding: [0.5, 0.25] },
        { object: "embedding", index: 0, embedding: "AACAPwAAAMAAAAA/" },
      ],
      model: "text-embedding-3-small",
      usage: { prompt_tokens: 9, total_tokens: 9 },
    };
    expect(openai.parseEmbeddingsResponse(body)).toEqual({ ok: true, value: { embeddings: ["AACAPwAAAMAAAAA/", [0.5, 0.25]], usage: { inputTokens: 9 } } });
  });

  test("response without usage, and an unreadable one", () => {
    expect(openai.parseEmbeddingsResponse({ data: [{ index: 0, embedding: [1] }] })).toEqual({ ok: true, value: { embeddings: [[1]], usage: undefined } });
    expect(openai.parseEmbeddingsResponse({ data: "nope" })).toEqual({
      ok: false,
      error: { kind: "upstream", provider: "openai", status: 502, message: "the provider sent an embeddings response the gateway cannot read" },
    });
  });

  test.each([
    [401, '{"error":{"message":"Incorrect API key provided: sk-test*******","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}', { kind: "upstream", provider: "openai", status: 401, type: "invalid_request_error", code: "invalid_api_key" }],
    [400, '{"error":{"message":"This model does not support specifying dimensions.","type":"invalid_request_error","param":"dimensions","code":null}}', { kind: "upstream", provider: "openai", status: 400, message: "This model does not support specifying dimensions.", param: "dimensions" }],
    [429, '{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}', { kind: "upstream", provider: "openai", status: 429, code: "rate_limit_exceeded", retryAfterMs: 2000 }],
  ])("error body %i", (status, body, expected) => {
    expect(openai.parseError(status, body, new Headers(status === 429 ? { "retry-after": "2" } : {}))).toMatchObject(expected);
  });
});

describe("Gemini batchEmbedContents", () => {
  test("one request per input, dimensions → outputDimensionality, x-goog-api-key", () => {
    const upstream = build(gemini, { input: ["first", "second"], dimensions: 768, encoding_format: "base64" }, geminiTarget);
    expect(upstream.url).toBe("https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(upstream.headers).toEqual({ "content-type": "application/json", "x-goog-api-key": "AIza-test" });
    expect(upstream.json).toEqual({
      requests: [
        { model: "models/gemini-embedding-001", content: { parts: [{ text: "first" }] }, outputDimensionality: 768 },
        { model: "models/gemini-embedding-001", content: { parts: [{ text: "second" }] }, outputDimensionality: 768 },
      ],
    });
    expect(upstream.warnings).toEqual([]);
  });

  test("a single string, user dropped with a warning", () => {
    const upstream = build(gemini, { user: "u-1" }, geminiTarget);
    expect(upstream.json).toEqual({ requests: [{ model: "models/gemini-embedding-001", content: { parts: [{ text: "hello" }] } }] });
    expect(upstream.warnings).toEqual([{ code: "unsupported_parameter", param: "user", message: "gemini does not support 'user' for embeddings; it was dropped." }]);
  });

  test("token input is refused", () => {
    const built = gemini.buildEmbeddingsRequest(request({ input: [[1, 2]] }), geminiTarget);
    expect(built).toMatchObject({ ok: false, error: { kind: "invalid_request", param: "input", code: "unsupported_input" } });
  });

  test("response: values in order, no usage", () => {
    expect(gemini.parseEmbeddingsResponse({ embeddings: [{ values: [0.1, 0.2] }, { values: [0.3] }] })).toEqual({ ok: true, value: { embeddings: [[0.1, 0.2], [0.3]] } });
    expect(gemini.parseEmbeddingsResponse({ embedding: { values: [1] } })).toMatchObject({ ok: false, error: { kind: "upstream", provider: "gemini", status: 502 } });
  });

  test.each([
    [400, '{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}', { status: 401, type: "INVALID_ARGUMENT", code: "API_KEY_INVALID" }],
    [404, '{"error":{"code":404,"message":"models/nope is not found for API version v1beta, or is not supported for embedContent.","status":"NOT_FOUND"}}', { status: 404, type: "NOT_FOUND", message: "models/nope is not found for API version v1beta, or is not supported for embedContent." }],
    [429, '{"error":{"code":429,"message":"Quota exceeded.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"26s"}]}}', { status: 429, retryAfterMs: 26_000 }],
  ])("error body %i", (status, body, expected) => {
    expect(gemini.parseError(status, body, new Headers())).toMatchObject({ kind: "upstream", provider: "gemini", ...expected });
  });
});

test("providers without an embeddings endpoint have no adapter", () => {
  expect(Object.keys(embeddingsAdapters).sort()).toEqual(["bedrock", "gemini", "local", "mistral", "openai", "vertex"]);
});
