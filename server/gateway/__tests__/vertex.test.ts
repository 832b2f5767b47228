import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_TEXT } from "@/e2e/fakes/common";
import { fakeEmbedding } from "@/e2e/fakes/fake-embeddings";
import { FAKE_VERTEX_LOCATION, FAKE_VERTEX_PROJECT, startFakeVertex, type FakeVertex } from "@/e2e/fakes/vertex-fake";
import { makeKey, makeModel, postJson, readCleanChatStream, startTestGateway } from "./harness";

let fake: FakeVertex;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();
const CLAUDE = "claude-sonnet-4-5@20250929";

beforeAll(async () => {
  fake = await startFakeVertex();
  const base = `${fake.url}/v1/projects/${FAKE_VERTEX_PROJECT}/locations/${FAKE_VERTEX_LOCATION}`;
  gateway = await startTestGateway({
    keys: [key.entry],
    models: [
      makeModel("vertex-flash", "vertex", base, fake.serviceAccountJson, "gemini-2.5-flash"),
      makeModel("vertex-sonnet", "vertex", base, fake.serviceAccountJson, CLAUDE),
      makeModel("vertex-embed", "vertex", base, fake.serviceAccountJson, "text-embedding-005"),
      makeModel("vertex-gemini-embed", "vertex", base, fake.serviceAccountJson, "gemini-embedding-001"),
      makeModel("vertex-bad-key", "vertex", base, fake.unknownKeyJson, "gemini-2.5-flash"),
      makeModel("vertex-other-project", "vertex", `${fake.url}/v1/projects/someone-elses-1/locations/${FAKE_VERTEX_LOCATION}`, fake.serviceAccountJson, "gemini-2.5-flash"),
    ],
  });
});
afterAll(async () => {
  await gateway.close();
  await fake.close();
});

const chat = (body: unknown) => postJson(`${gateway.url}/v1/chat/completions`, key.token, body);
const hi = (extra = "") => [{ role: "system", content: "Be brief." }, { role: "user", content: `Hi${extra}` }];

describe("vertex through the gateway", () => {
  test("gemini non-stream: one token exchange, Bearer on the publisher route, ledger row", async () => {
    const before = gateway.rows.length;
    const response = await chat({ model: "vertex-flash", messages: hi(), max_tokens: 50 });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-provider")).toBe("vertex");
    const body = await response.json();
    expect(body).toMatchObject({ object: "chat.completion", model: "vertex-flash", choices: [{ message: { role: "assistant", content: FAKE_TEXT }, finish_reason: "stop" }], usage: { prompt_tokens: 21, completion_tokens: 7 } });
    const received = fake.received.at(-1)!;
    expect(received.path).toBe(`/v1/projects/${FAKE_VERTEX_PROJECT}/locations/${FAKE_VERTEX_LOCATION}/publishers/google/models/gemini-2.5-flash:generateContent`);
    expect(received.headers.authorization).toMatch(/^Bearer ya29\.fake-/);
    expect(received.headers["x-goog-api-key"]).toBeUndefined();
    expect(received.body).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi" }] }], systemInstruction: { parts: [{ text: "Be brief." }] }, generationConfig: { maxOutputTokens: 50 } });
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    // 21 × 0.15 + 7 × 0.60 = 7.35 µ$
    expect(row).toMatchObject({ status: "success", httpStatus: 200, provider: "vertex", inputTokens: 21, outputTokens: 7, tokensEstimated: false, costUsd: "0.000007350000" });
  });

  test("gemini stream: SSE through streamGenerateContent?alt=sse", async () => {
    const response = await chat({ model: "vertex-flash", stream: true, stream_options: { include_usage: true }, messages: hi() });
    expect(response.status).toBe(200);
    const chunks = await readCleanChatStream(response, FAKE_TEXT);
    expect(chunks.at(-1).usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 7 });
    expect(fake.received.at(-1)).toMatchObject({ path: expect.stringMatching(/gemini-2\.5-flash:streamGenerateContent$/), query: { alt: "sse" } });
  });

  test("claude non-stream and stream: rawPredict with anthropic_version, no model in the body", async () => {
    const response = await chat({ model: "vertex-sonnet", messages: hi(), max_tokens: 64 });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ choices: [{ message: { content: FAKE_TEXT }, finish_reason: "stop" }], usage: { prompt_tokens: 21, completion_tokens: 7 } });
    const received = fake.received.at(-1)!;
    expect(received.path).toBe(`/v1/projects/${FAKE_VERTEX_PROJECT}/locations/${FAKE_VERTEX_LOCATION}/publishers/anthropic/models/${CLAUDE}:rawPredict`);
    expect(received.body).toEqual({ anthropic_version: "vertex-2023-10-16", max_tokens: 64, system: "Be brief.", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] });

    const streamed = await chat({ model: "vertex-sonnet", stream: true, messages: hi() });
    expect(streamed.status).toBe(200);
    await readCleanChatStream(streamed, FAKE_TEXT);
    expect(fake.received.at(-1)).toMatchObject({ path: expect.stringMatching(/:streamRawPredict$/), body: { anthropic_version: "vertex-2023-10-16", stream: true } });
  });

  test("/v1/messages (Anthropic SDK) through Vertex Claude, streamed and not", async () => {
    const client = new Anthropic({ baseURL: gateway.url, apiKey: key.token, maxRetries: 0 });
    const message = await client.messages.create({ model: "vertex-sonnet", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] });
    expect(message).toMatchObject({ type: "message", role: "assistant", content: [{ type: "text", text: FAKE_TEXT }], stop_reason: "end_turn", usage: { input_tokens: 21, output_tokens: 7 } });
    const stream = client.messages.stream({ model: "vertex-sonnet", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] });
    expect(await stream.finalText()).toBe(FAKE_TEXT);
  });

  test("a Claude error from rawPredict keeps Anthropic's status and type", async () => {
    const response = await chat({ model: "vertex-sonnet", messages: hi(" [[fake:error:429]]") });
    expect(response.status).toBe(429);
    expect((await response.json()).error).toMatchObject({ type: "rate_limit_error", message: expect.stringMatching(/^vertex: /) });
  });

  test("embeddings: predict, vectors in order, usage from token_count", async () => {
    const before = gateway.rows.length;
    const response = await postJson(`${gateway.url}/v1/embeddings`, key.token, { model: "vertex-embed", input: ["hello", "vertex embeddings"], dimensions: 8 });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.data.map((item: { embedding: number[] }) => item.embedding)).toEqual([fakeEmbedding("hello"), fakeEmbedding("vertex embeddings")]);
    expect(body.usage).toEqual({ prompt_tokens: 7, total_tokens: 7 });
    expect(fake.received.at(-1)).toMatchObject({ path: expect.stringMatching(/text-embedding-005:predict$/), body: { instances: [{ content: "hello" }, { content: "vertex embeddings" }], parameters: { autoTruncate: false, outputDimensionality: 8 } } });
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    expect(row).toMatchObject({ endpoint: "/v1/embeddings", status: "success", provider: "vertex", inputTokens: 7, outputTokens: 0, tokensEstimated: false });
  });

  test("gemini-embedding-001: one predict call per input, joined in order", async () => {
    const before = fake.received.length;
    const inputs = ["one", "two", "three"];
    const response = await postJson(`${gateway.url}/v1/embeddings`, key.token, { model: "vertex-gemini-embed", input: inputs });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.data.map((item: { embedding: number[] }) => item.embedding)).toEqual(inputs.map((text) => fakeEmbedding(text)));
    const calls = fake.received.slice(before);
    expect(calls).toHaveLength(3);
    // Calls run concurrently, so they may arrive in any order; each carries exactly one instance.
    const instances = calls.map((call) => (call.body as { instances: { content: string }[] }).instances);
    expect(instances.every((list) => list.length === 1)).toBe(true);
    expect(instances.map((list) => list[0].content).sort()).toEqual([...inputs].sort());
  });

  test("the access token is cached across requests and endpoints", async () => {
    const before = fake.exchanges();
    for (const model of ["vertex-flash", "vertex-sonnet"]) expect((await chat({ model, messages: hi() })).status).toBe(200);
    expect(fake.exchanges()).toBe(before);
    expect(before).toBe(1);
  });

  test("a 401 from Vertex drops the token and the same request retries once with a fresh one", async () => {
    const before = fake.exchanges();
    const rowsBefore = gateway.rows.length;
    fake.expireTokens();
    const answered = await chat({ model: "vertex-flash", messages: hi() });
    expect(answered.status).toBe(200);
    expect(fake.exchanges()).toBe(before + 1);
    // Both sends reached Vertex; one ledger row, its attempts counting both.
    const row = (await gateway.waitForRows(rowsBefore + 1)).at(-1)!;
    expect(row).toMatchObject({ status: "success", provider: "vertex", upstreamAttempts: 2 });
    const next = await chat({ model: "vertex-flash", messages: hi() });
    expect(next.status).toBe(200);
    expect(fake.exchanges()).toBe(before + 1);
  });

  test("a key Google does not know: clear error, nothing leaked, recorded in the ledger", async () => {
    const before = gateway.rows.length;
    const response = await chat({ model: "vertex-bad-key", messages: hi() });
    expect(response.status).toBe(502);
    const text = await response.text();
    expect(JSON.parse(text).error).toMatchObject({ type: "upstream_error", code: "upstream_auth_failed" });
    expect(text).not.toMatch(/PRIVATE KEY|ya29|127\.0\.0\.1|assertion/);
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    // The ledger keeps the client-facing message; Google's reason ("Invalid JWT Signature.") is shown by Test connection.
    expect(row).toMatchObject({ status: "error", provider: "vertex", errorKind: "upstream", errorMessage: "vertex: the provider rejected the gateway's credential." });
    expect(fake.exchangeAttempts()).toBeGreaterThan(fake.exchanges());
  });

  test("another project is refused by Vertex with PERMISSION_DENIED", async () => {
    const response = await chat({ model: "vertex-other-project", messages: hi() });
    expect(response.status).toBe(502);
    expect((await response.json()).error.code).toBe("upstream_auth_failed");
  });
});
