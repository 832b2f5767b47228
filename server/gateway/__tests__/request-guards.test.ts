/* eslint-disable @typescript-eslint/no-explicit-any */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "@/e2e/fakes/anthropic-fake";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { startFakeOpenAIEmbeddings } from "@/e2e/fakes/openai-embeddings";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { createMemoryResponseStore } from "../inbound/responses/response-store";
import { makeKey, makeModel, startTestGateway } from "./harness";

/**
 * What the gateway refuses before any provider call: bodies over a documented limit (400 naming the field), bodies that
 * are not JSON (415, checked before the body is read), and it never echoes a long caller-supplied name. An authenticated
 * refusal is one ledger row at zero cost; an unauthenticated one writes nothing; the provider fakes receive nothing.
 */
let openaiFake: FakeUpstream;
let anthropicFake: FakeUpstream;
let embeddingsFake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();
const hi = [{ role: "user", content: "Hi" }];
const many = <T>(count: number, item: (index: number) => T): T[] => Array.from({ length: count }, (_, index) => item(index));

beforeAll(async () => {
  [openaiFake, anthropicFake, embeddingsFake] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeOpenAIEmbeddings()]);
  gateway = await startTestGateway({
    keys: [key.entry],
    models: [
      makeModel("mini", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"),
      makeModel("haiku", "anthropic", `${anthropicFake.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001"),
      makeModel("embed-small", "openai", `${embeddingsFake.url}/v1`, FAKE_OPENAI_API_KEY, "text-embedding-3-small"),
    ],
    maxBodyBytes: 8 * 1024 * 1024,
  });
  gateway.deps.responses = createMemoryResponseStore();
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openaiFake.close(), anthropicFake.close(), embeddingsFake.close()]);
});

const providerCalls = () => openaiFake.received.length + anthropicFake.received.length + embeddingsFake.received.length;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

function post(path: string, body: unknown, headers: Record<string, string> = bearer(key.token)): Promise<Response> {
  return fetch(`${gateway.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
}

/** The error a format answers with, as { status, code?, param?, message } (Anthropic's shape has no code or param). */
async function readError(response: Response, path: string) {
  const body: any = await response.json();
  if (path.startsWith("/v1/messages")) {
    expect(body).toEqual({ type: "error", error: { type: "invalid_request_error", message: expect.any(String) } });
    return { status: response.status, message: body.error.message as string };
  }
  expect(body.error).toMatchObject({ type: "invalid_request_error" });
  return { status: response.status, code: body.error.code as string, param: body.error.param as string | null, message: body.error.message as string };
}

const zeroCost = { status: "error", inputTokens: 0, outputTokens: 0, costUsd: "0.000000000000", upstreamAttempts: 0 };

describe("documented limits are refused before the provider", () => {
  const cases: [path: string, body: Record<string, unknown>, param: string, message: string][] = [
    ["/v1/chat/completions", { model: "mini", messages: hi, tools: many(129, (index) => ({ type: "function", function: { name: `f${index}` } })) }, "tools", "Invalid 'tools': array too long. Expected an array with maximum length 128, but got an array with length 129 instead."],
    ["/v1/chat/completions", { model: "mini", messages: hi, stream: true, metadata: Object.fromEntries(many(17, (index) => [`k${index}`, "v"])) }, "metadata", "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead."],
    ["/v1/chat/completions", { model: "mini", messages: many(100_001, () => hi[0]) }, "messages", "Invalid 'messages': array too long. Expected an array with maximum length 100000, but got an array with length 100001 instead."],
    ["/v1/chat/completions", { model: "mini", messages: hi, logit_bias: Object.fromEntries(many(301, (index) => [String(index), -100])) }, "logit_bias", "Invalid 'logit_bias': too many properties. Expected an object with at most 300 properties, but got an object with 301 properties instead."],
    ["/v1/responses", { model: "mini", input: "Hi", tools: many(129, (index) => ({ type: "function", name: `f${index}` })) }, "tools", "Invalid 'tools': array too long. Expected an array with maximum length 128, but got an array with length 129 instead."],
    ["/v1/messages", { model: "haiku", max_tokens: 10, messages: hi, tools: [{ name: "t".repeat(129), input_schema: { type: "object" } }] }, "tools[0].name", "Invalid 'tools[0].name': string too long. Expected a string with maximum length 128, but got a string with length 129 instead."],
    ["/v1/messages/count_tokens", { model: "haiku", messages: many(100_001, () => hi[0]) }, "messages", "Invalid 'messages': array too long. Expected an array with maximum length 100000, but got an array with length 100001 instead."],
    ["/v1/embeddings", { model: "embed-small", input: many(2049, () => "x") }, "input", "Invalid 'input': array too long. Expected an array with maximum length 2048, but got an array with length 2049 instead."],
  ];

  test.each(cases)("%s: %s → 400, one zero-cost ledger row, nothing sent", async (path, body, param, message) => {
    const [calls, rows] = [providerCalls(), gateway.rows.length];
    const error = await readError(await post(path, body), path);
    expect(error).toEqual(path.startsWith("/v1/messages") ? { status: 400, message } : { status: 400, code: expect.any(String), param, message });
    expect((await gateway.waitForRows(rows + 1)).slice(rows)).toEqual([expect.objectContaining({ ...zeroCost, endpoint: path, httpStatus: 400, errorKind: "invalid_request" })]);
    expect(providerCalls()).toBe(calls);
  });

  test.each(cases)("%s without a key: 401, no ledger row, nothing sent", async (path, body) => {
    const [calls, rows] = [providerCalls(), gateway.rows.length];
    expect((await post(path, body, {})).status).toBe(401);
    await settle();
    expect(gateway.rows.length).toBe(rows);
    expect(providerCalls()).toBe(calls);
  });
});

const POST_ENDPOINTS: [path: string, body: Record<string, unknown>][] = [
  ["/v1/chat/completions", { model: "mini", messages: hi }],
  ["/v1/responses", { model: "mini", input: "Hi" }],
  ["/v1/messages", { model: "haiku", max_tokens: 10, messages: hi }],
  ["/v1/messages/count_tokens", { model: "mini", messages: hi }],
  ["/v1/embeddings", { model: "embed-small", input: "Hi" }],
];
const NOT_JSON = ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "text/json"];

/** Sends the headers and part of a body, never its end: the answer must not wait for the body. */
function postUnfinished(path: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${gateway.url}${path}`, { method: "POST", headers: { ...headers, "content-length": "1000" } }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk));
      response.on("end", () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) });
      });
    });
    request.on("error", reject);
    request.write('{"model":');
  });
}

describe("content types", () => {
  test.each(POST_ENDPOINTS.flatMap(([path]) => NOT_JSON.map((type) => [path, type] as const)))("%s as %s → 415 before the body is read, one zero-cost ledger row", async (path, type) => {
    const [calls, rows] = [providerCalls(), gateway.rows.length];
    const started = Date.now();
    const response = await postUnfinished(path, { ...bearer(key.token), "content-type": type });
    expect(Date.now() - started).toBeLessThan(gateway.limits.bodyTimeoutMs);
    expect(response.status).toBe(415);
    const message = "Unsupported Content-Type: send the request body as JSON, with 'Content-Type: application/json'.";
    expect(response.body).toEqual(
      path.startsWith("/v1/messages") ? { type: "error", error: { type: "invalid_request_error", message } } : { error: { type: "invalid_request_error", code: "unsupported_media_type", param: null, message } },
    );
    expect((await gateway.waitForRows(rows + 1)).slice(rows)).toEqual([expect.objectContaining({ ...zeroCost, endpoint: path, httpStatus: 415, errorKind: "unsupported_media_type" })]);
    expect(providerCalls()).toBe(calls);
  });

  test.each(POST_ENDPOINTS)("%s as text/plain without a key → 401, no ledger row", async (path) => {
    const rows = gateway.rows.length;
    expect((await postUnfinished(path, { "content-type": "text/plain" })).status).toBe(401);
    await settle();
    expect(gateway.rows.length).toBe(rows);
  });

  const ACCEPTED = ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8", "application/vnd.api+json", "application/merge-patch+json"];
  test.each(POST_ENDPOINTS.flatMap(([path, body]) => ACCEPTED.map((type) => [path, type, body] as const)))("%s as %s is served", async (path, type, body) => {
    const response = await post(path, body, { ...bearer(key.token), "x-api-key": key.token, "content-type": type });
    expect(response.status).toBe(200);
  });

  test.each(POST_ENDPOINTS)("%s with no Content-Type at all is served as JSON", async (path, body) => {
    // A byte body: fetch sends no Content-Type for it (a string body would be text/plain).
    const response = await fetch(`${gateway.url}${path}`, { method: "POST", headers: bearer(key.token), body: new TextEncoder().encode(JSON.stringify(body)) });
    expect(response.status).toBe(200);
  });
});

describe("caller-supplied names are quoted at most 64 characters long", () => {
  const longName = `gpt-${"x".repeat(196)}`;
  const quoted = `\`${longName.slice(0, 64)}…\``;

  test.each([
    ["/v1/chat/completions", { model: longName, messages: hi }],
    ["/v1/responses", { model: longName, input: "Hi" }],
    ["/v1/messages", { model: longName, max_tokens: 10, messages: hi }],
    ["/v1/messages/count_tokens", { model: longName, messages: hi }],
    ["/v1/embeddings", { model: longName, input: "Hi" }],
  ])("%s: an unknown 200-character model → 404 quoting 64 characters", async (path, body) => {
    const rows = gateway.rows.length;
    const response = await post(path, body, { ...bearer(key.token), "x-api-key": key.token });
    expect(response.status).toBe(404);
    const text = await response.text();
    expect(text).toContain(`The model ${quoted} does not exist or you do not have access to it.`);
    expect(text).not.toContain(longName);
    expect((await gateway.waitForRows(rows + 1)).at(-1)?.errorMessage).not.toContain(longName);
  });

  test.each(POST_ENDPOINTS)("%s: a 257-character model → 400 string_above_max_length, not echoed", async (path, body) => {
    const model = "m".repeat(257);
    const response = await post(path, { ...body, model }, { ...bearer(key.token), "x-api-key": key.token });
    const error = await readError(response, path);
    expect(error.message).toBe("Invalid 'model': string too long. Expected a string with maximum length 256, but got a string with length 257 instead.");
    if (!path.startsWith("/v1/messages")) expect(error).toMatchObject({ status: 400, code: "string_above_max_length", param: "model" });
  });

  test("an unknown previous_response_id is quoted at most 64 characters long", async () => {
    const id = `resp_${"z".repeat(300)}`;
    const error = await readError(await post("/v1/responses", { model: "mini", input: "Hi", previous_response_id: id }), "/v1/responses");
    expect(error).toEqual({ status: 404, code: "previous_response_not_found", param: "previous_response_id", message: `Previous response with id '${id.slice(0, 64)}…' not found.` });
  });

  test("an unknown endpoint is quoted at most 64 characters long", async () => {
    const path = `/v1/${"p".repeat(500)}`;
    const response = await fetch(`${gateway.url}${path}`, { method: "POST", headers: bearer(key.token) });
    expect(response.status).toBe(404);
    expect((await response.json()).error.message).toBe(`Unknown endpoint: POST ${path.slice(0, 64)}…`);
  });
});
