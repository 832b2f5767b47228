import { describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { StreamEvent, Target } from "@/server/gateway/types";
import { vertexEmbeddings } from "../embeddings/vertex";
import { buildProbeRequest } from "../probe";
import { collect, fixtureSse, readFixture } from "../test-utils";
import { vertex } from "./index";
import { parseVertexBaseUrl, publisherFor, vertexBaseUrl } from "./endpoint";

const base = "https://us-east5-aiplatform.googleapis.com/v1/projects/proj-123456/locations/us-east5";
const target = (upstreamModel: string, baseUrl = base): Target => ({ provider: "vertex", connectionId: "c1", baseUrl, apiKey: "ya29.token", upstreamModel, modelName: upstreamModel, maxOutputTokens: 8192 });
const chat = (fields: Record<string, unknown> = {}) => chatRequestSchema.parse({ model: "m", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }], max_tokens: 50, ...fields });

describe("vertex endpoints", () => {
  test.each([
    ["regional", "proj-123456", "europe-west1", undefined, "https://europe-west1-aiplatform.googleapis.com/v1/projects/proj-123456/locations/europe-west1"],
    ["global", "proj-123456", "global", undefined, "https://aiplatform.googleapis.com/v1/projects/proj-123456/locations/global"],
    ["override", "proj-123456", "us-east5", "https://proxy.example.com/vertex/", "https://proxy.example.com/vertex/v1/projects/proj-123456/locations/us-east5"],
  ])("%s base URL round-trips", (_name, project, location, origin, expected) => {
    expect(vertexBaseUrl(project, location, origin)).toBe(expected);
    expect(parseVertexBaseUrl(expected)).toMatchObject({ project, location, base: expected });
  });

  test("a base URL without /v1/projects/{p}/locations/{l} is not a Vertex endpoint; publishers by model id", () => {
    expect(parseVertexBaseUrl("https://aiplatform.googleapis.com/v1")).toBeUndefined();
    expect(publisherFor("claude-sonnet-4-5@20250929")).toBe("anthropic");
    expect(publisherFor("gemini-2.5-flash")).toBe("google");
  });
});

describe("vertex buildRequest", () => {
  test("gemini: generateContent on the google publisher, the Gemini body, no credential yet", () => {
    const built = vertex.buildRequest(chat(), target("gemini-2.5-flash"));
    expect(built.url).toBe(`${base}/publishers/google/models/gemini-2.5-flash:generateContent`);
    expect(built.headers).toEqual({ "content-type": "application/json" });
    expect(JSON.parse(built.body)).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }], systemInstruction: { parts: [{ text: "Be brief." }] }, generationConfig: { maxOutputTokens: 50 } });
  });

  test("gemini stream on the global host: streamGenerateContent?alt=sse", () => {
    const built = vertex.buildRequest(chat({ stream: true }), target("gemini-2.5-flash", "https://aiplatform.googleapis.com/v1/projects/p-123456/locations/global"));
    expect(built.url).toBe("https://aiplatform.googleapis.com/v1/projects/p-123456/locations/global/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
  });

  test("claude: rawPredict / streamRawPredict, body without model and with anthropic_version", () => {
    const built = vertex.buildRequest(chat(), target("claude-sonnet-4-5@20250929"));
    expect(built.url).toBe(`${base}/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict`);
    expect(built.headers).toEqual({ "content-type": "application/json" });
    const body = JSON.parse(built.body);
    expect(body).toEqual({ anthropic_version: "vertex-2023-10-16", max_tokens: 50, system: "Be brief.", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] });
    const streamed = vertex.buildRequest(chat({ stream: true }), target("claude-sonnet-4-5@20250929"));
    expect(streamed.url).toBe(`${base}/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict`);
    expect(JSON.parse(streamed.body)).toMatchObject({ anthropic_version: "vertex-2023-10-16", stream: true });
    expect(JSON.parse(streamed.body)).not.toHaveProperty("model");
  });
});

describe("vertex responses and streams", () => {
  test("parseResponse reads Anthropic messages and Gemini responses", () => {
    const anthropicResult = vertex.parseResponse(JSON.parse(readFixture("anthropic-text.json")));
    expect(anthropicResult).toMatchObject({ ok: true, value: { choices: [{ finishReason: "stop" }] } });
    const geminiResult = vertex.parseResponse(JSON.parse(readFixture("gemini-text.json")));
    expect(geminiResult).toMatchObject({ ok: true, value: { choices: [{ finishReason: "stop" }] } });
    expect(vertex.parseResponse({ type: "message" })).toMatchObject({ ok: false, error: { kind: "upstream", provider: "vertex", status: 502 } });
  });

  test.each(["anthropic-text", "gemini-text"])("%s stream ends with finish and usage", async (name) => {
    const events = await collect(fixtureSse(name).pipeThrough(vertex.parseStream()));
    const text = events.filter((event): event is Extract<StreamEvent, { type: "text-delta" }> => event.type === "text-delta").map((event) => event.text).join("");
    expect(text.length).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({ type: "finish", usage: { inputTokens: expect.any(Number) } });
  });

  test("a cut stream ends with a vertex stream_cut error", async () => {
    const events = await collect(fixtureSse("anthropic-text", { cutAfterBytes: 700 }).pipeThrough(vertex.parseStream()));
    expect(events.at(-1)).toEqual({ type: "error", error: { kind: "stream_cut", provider: "vertex" } });
  });
});

describe("vertex errors", () => {
  test.each([
    ["google 401", 401, { error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" } }, { status: 401, type: "UNAUTHENTICATED", message: "Request had invalid authentication credentials." }],
    ["google 429", 429, { error: { code: 429, message: "Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_minute.", status: "RESOURCE_EXHAUSTED" } }, { status: 429, type: "RESOURCE_EXHAUSTED" }],
    ["google 404", 404, { error: { code: 404, message: "Publisher Model `x` not found.", status: "NOT_FOUND" } }, { status: 404, type: "NOT_FOUND" }],
    ["anthropic 400", 400, { type: "error", error: { type: "invalid_request_error", message: "max_tokens: Field required" } }, { status: 400, type: "invalid_request_error", message: "max_tokens: Field required" }],
    ["anthropic 529", 529, { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }, { status: 529, type: "overloaded_error" }],
  ])("%s", (_name, status, body, expected) => {
    expect(vertex.parseError(status, JSON.stringify(body), new Headers())).toMatchObject({ kind: "upstream", provider: "vertex", ...expected });
  });

  test("a non-JSON body never echoes HTML", () => {
    expect(vertex.parseError(502, "<html>bad gateway</html>", new Headers())).toMatchObject({ kind: "upstream", provider: "vertex", status: 502, message: "Vertex AI answered HTTP 502 with a non-JSON body." });
  });
});

describe("vertex embeddings", () => {
  const embed = (fields: Record<string, unknown>, model = "text-embedding-005") => vertexEmbeddings.buildEmbeddingsRequest({ model: "e", input: "hello", ...fields } as never, target(model));

  test("predict with instances and parameters", () => {
    const built = embed({ input: ["a", "b"], dimensions: 256, user: "u1" });
    expect(built).toMatchObject({ ok: true, value: { url: `${base}/publishers/google/models/text-embedding-005:predict`, warnings: [{ param: "user" }] } });
    expect(built.ok && JSON.parse(built.value.body)).toEqual({ instances: [{ content: "a" }, { content: "b" }], parameters: { autoTruncate: false, outputDimensionality: 256 } });
  });

  test("gemini-embedding-001 takes one input per call: requests are split; token ids are refused", () => {
    const request = { model: "e", input: ["a", "b", "c"] } as never;
    expect(vertexEmbeddings.splitEmbeddingsRequest!(request, target("gemini-embedding-001")).map((part) => part.input)).toEqual([["a"], ["b"], ["c"]]);
    expect(vertexEmbeddings.splitEmbeddingsRequest!(request, target("text-embedding-005"))).toEqual([request]);
    expect(embed({ input: ["a", "b"] }, "gemini-embedding-001")).toMatchObject({ ok: false, error: { kind: "invalid_request", param: "input", code: "too_many_inputs" } });
    expect(embed({ input: [1, 2, 3] })).toMatchObject({ ok: false, error: { kind: "invalid_request", code: "unsupported_input" } });
  });

  test("response: vectors in order, usage from statistics.token_count", () => {
    const parsed = vertexEmbeddings.parseEmbeddingsResponse({ predictions: [{ embeddings: { values: [0.5], statistics: { token_count: 3, truncated: false } } }, { embeddings: { values: [0.25], statistics: { token_count: 4, truncated: false } } }] });
    expect(parsed).toEqual({ ok: true, value: { embeddings: [[0.5], [0.25]], usage: { inputTokens: 7 } } });
    expect(vertexEmbeddings.parseEmbeddingsResponse({ embeddings: [] })).toMatchObject({ ok: false, error: { provider: "vertex", status: 502 } });
  });
});

test("probe: GET {base}/endpoints?pageSize=1, credential added by authorize", () => {
  expect(buildProbeRequest("vertex", `${base}/`, "{}")).toEqual({ method: "GET", url: `${base}/endpoints?pageSize=1`, headers: { accept: "application/json" }, body: "", warnings: [] });
});
