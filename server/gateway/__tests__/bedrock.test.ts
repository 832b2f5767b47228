import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_BEDROCK_CREDENTIAL, FAKE_BEDROCK_SESSION_CREDENTIAL, startFakeBedrock } from "@/e2e/fakes/bedrock-fake";
import { FAKE_TEXT, type FakeUpstream, type RecordedRequest } from "@/e2e/fakes/common";
import { FAKE_TOOL_ARGUMENTS } from "@/e2e/fakes/openai-fake";
import { parseCredentials, signRequest } from "@/server/providers/bedrock";
import { makeKey, makeModel, postJson, readCleanChatStream, readSse, startTestGateway } from "./harness";

let fake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();
const HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

beforeAll(async () => {
  fake = await startFakeBedrock();
  gateway = await startTestGateway({
    keys: [key.entry],
    models: [
      makeModel("claude-haiku-4-5", "bedrock", fake.url, FAKE_BEDROCK_CREDENTIAL, HAIKU),
      makeModel("nova-lite", "bedrock", `${fake.url}?region=eu-west-1`, FAKE_BEDROCK_SESSION_CREDENTIAL, "amazon.nova-lite-v1:0"),
      makeModel("wrong-secret", "bedrock", fake.url, "AKIAFAKEBEDROCK00001:not-the-secret", HAIKU),
    ],
  });
});
afterAll(async () => {
  await gateway.close();
  await fake.close();
});

const chat = (body: unknown) => postJson(`${gateway.url}/v1/chat/completions`, key.token, body);

const lastRequest = (): RecordedRequest => fake.received.at(-1)!;

describe("bedrock through the gateway", () => {
  test("non-stream: signed Converse call, exact usage and cost", async () => {
    const before = gateway.rows.length;
    const response = await chat({ model: "claude-haiku-4-5", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }], max_tokens: 50 });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-provider")).toBe("bedrock");
    const body = await response.json();
    expect(body).toMatchObject({ object: "chat.completion", model: "claude-haiku-4-5", choices: [{ index: 0, message: { role: "assistant", content: FAKE_TEXT }, finish_reason: "stop" }] });
    expect(body.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 7, total_tokens: 28 });
    const received = lastRequest();
    expect(received).toMatchObject({ method: "POST", path: "/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse", outcome: "completed" });
    expect(received.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAFAKEBEDROCK00001\/\d{8}\/us-east-1\/bedrock\/aws4_request, /);
    expect(received.body).toEqual({ messages: [{ role: "user", content: [{ text: "Hi" }] }], system: [{ text: "Be brief." }], inferenceConfig: { maxTokens: 50 } });
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    // 21 × 0.15 + 7 × 0.60 = 7.35 µ$
    expect(row).toMatchObject({ status: "success", httpStatus: 200, provider: "bedrock", stream: false, inputTokens: 21, outputTokens: 7, tokensEstimated: false, costUsd: "0.000007350000" });
  });

  test("stream: event-stream frames decoded, usage from metadata, [DONE], cached tokens billed", async () => {
    const before = gateway.rows.length;
    const response = await chat({ model: "claude-haiku-4-5", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Hi [[fake:cached]]" }] });
    expect(response.status).toBe(200);
    const chunks = await readCleanChatStream(response, FAKE_TEXT);
    expect(chunks.at(-1).usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 7, prompt_tokens_details: { cached_tokens: 8 } });
    expect(lastRequest().path).toBe("/model/us.anthropic.claude-haiku-4-5-20251001-v1%3A0/converse-stream");
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    // 13 × 0.15 + 8 × 0.075 + 7 × 0.60 = 6.75 µ$
    expect(row).toMatchObject({ status: "success", stream: true, inputTokens: 21, cachedInputTokens: 8, outputTokens: 7, tokensEstimated: false, costUsd: "0.000006750000" });
  });

  test("stream: a tool call; temporary credentials and a region from the base URL", async () => {
    const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { location: { type: "string" } } } } }];
    const response = await chat({ model: "nova-lite", stream: true, tools, messages: [{ role: "user", content: "Weather? [[fake:tool]]" }] });
    expect(response.status).toBe(200);
    const chunks = (await readSse(response)).slice(0, -1).map((data) => JSON.parse(data));
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta?.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ index: 0, id: "tooluse_fake_1", type: "function", function: { name: "get_weather" } });
    expect(calls.map((call) => call.function?.arguments ?? "").join("")).toBe(FAKE_TOOL_ARGUMENTS);
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe("tool_calls");
    const received = lastRequest();
    expect(received.headers.authorization).toMatch(/Credential=ASIAFAKEBEDROCK00002\/\d{8}\/eu-west-1\/bedrock\/aws4_request/);
    expect(received.headers["x-amz-security-token"]).toBe("FwoGZXIvYXdzEFAKE//session+token=");
  });

  test("a cut stream ends with an error and no [DONE]", async () => {
    const before = gateway.rows.length;
    const response = await chat({ model: "claude-haiku-4-5", stream: true, messages: [{ role: "user", content: "Hi [[fake:cut]]" }] });
    expect(response.status).toBe(200);
    const events = await readSse(response);
    expect(events).not.toContain("[DONE]");
    expect(JSON.parse(events.at(-1)!).error).toMatchObject({ code: "stream_cut" });
    expect((await gateway.waitForRows(before + 1)).at(-1)).toMatchObject({ status: "error", httpStatus: 502, provider: "bedrock", stream: true });
  });

  test.each([
    { name: "429 ThrottlingException", model: "claude-haiku-4-5", content: "Hi [[fake:error:429]]", stream: false, status: 429, code: "rate_limit_exceeded" },
    { name: "429 ThrottlingException before the first event of a stream", model: "claude-haiku-4-5", content: "Hi [[fake:error:429]]", stream: true, status: 429, code: "rate_limit_exceeded" },
    { name: "400 ValidationException (input too long): context_length_exceeded", model: "claude-haiku-4-5", content: "Hi [[fake:error:400]]", stream: false, status: 400, code: "context_length_exceeded" },
    { name: "a wrong secret (InvalidSignatureException)", model: "wrong-secret", content: "Hi", stream: false, status: 502, code: "upstream_auth_failed" },
  ])("error: $name", async ({ model, content, stream, status, code }) => {
    const before = gateway.rows.length;
    const response = await chat({ model, stream, messages: [{ role: "user", content }] });
    expect(response.status).toBe(status);
    expect((await response.json()).error).toMatchObject({ code });
    expect((await gateway.waitForRows(before + 1)).at(-1)).toMatchObject({ status: "error", httpStatus: status, provider: "bedrock", costUsd: "0.000000000000" });
  });
});

describe("bedrock: response_format through the gateway", () => {
  const SCHEMA = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
  const jsonSchema = { type: "json_schema", json_schema: { name: "answer", strict: true, schema: SCHEMA } };
  const JSON_TEXT = JSON.stringify({ answer: FAKE_TEXT });
  const user = [{ role: "user", content: "Answer in JSON." }];

  test("json_schema on Nova, non-stream: a forced tool; its input comes back as the message content, finish stop", async () => {
    const response = await chat({ model: "nova-lite", messages: user, response_format: jsonSchema });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBeNull();
    const body = await response.json();
    expect(body.choices[0]).toMatchObject({ message: { role: "assistant", content: JSON_TEXT }, finish_reason: "stop" });
    expect(body.choices[0].message.tool_calls).toBeUndefined();
    expect(lastRequest().body).toMatchObject({
      toolConfig: { tools: [{ toolSpec: { name: "modelgate_json_response", inputSchema: { json: SCHEMA } } }], toolChoice: { tool: { name: "modelgate_json_response" } } },
    });
  });

  test("json_object on Nova, stream: the tool input streams as content deltas, finish stop, [DONE]", async () => {
    const response = await chat({ model: "nova-lite", stream: true, messages: user, response_format: { type: "json_object" } });
    expect(response.status).toBe(200);
    const chunks = await readCleanChatStream(response, JSON.stringify({ text: FAKE_TEXT }));
    expect(chunks.some((chunk) => chunk.choices[0]?.delta?.tool_calls)).toBe(false);
    expect(lastRequest().body).toMatchObject({ toolConfig: { tools: [{ toolSpec: { inputSchema: { json: { type: "object" } } } }] } });
  });

  test("json_schema on Claude Haiku 4.5 with reasoning_effort: native outputConfig and thinking together", async () => {
    const response = await chat({ model: "claude-haiku-4-5", stream: true, messages: user, response_format: jsonSchema, reasoning_effort: "low" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBeNull();
    await readCleanChatStream(response, JSON_TEXT);
    const received = lastRequest().body as Record<string, unknown>;
    expect(received.outputConfig).toEqual({ textFormat: { type: "json_schema", structure: { jsonSchema: { schema: JSON.stringify(SCHEMA), name: "answer" } } } });
    expect(received.additionalModelRequestFields).toEqual({ thinking: { type: "enabled", budget_tokens: 1024 } });
    expect(received.toolConfig).toBeUndefined();
  });

  test("json_object on Claude Haiku 4.5 with reasoning_effort: the forced tool wins, thinking is omitted with a warning", async () => {
    const response = await chat({ model: "claude-haiku-4-5", messages: user, response_format: { type: "json_object" }, reasoning_effort: "low" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBe("unsupported_parameter:reasoning_effort");
    expect((await response.json()).choices[0]).toMatchObject({ message: { content: JSON.stringify({ text: FAKE_TEXT }) }, finish_reason: "stop" });
    expect((lastRequest().body as Record<string, unknown>).additionalModelRequestFields).toBeUndefined();
  });

  test("json_schema on Nova with the caller's tools: a clear 400 naming response_format, nothing sent", async () => {
    const before = fake.received.length;
    const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { location: { type: "string" } } } } }];
    const response = await chat({ model: "nova-lite", tools, messages: [{ role: "user", content: "Weather? [[fake:tool]]" }], response_format: jsonSchema });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatchObject({ type: "invalid_request_error", param: "response_format", message: expect.stringContaining("forced tool") });
    expect(fake.received.length).toBe(before);
  });
});

describe("anthropic-beta on Bedrock", () => {
  const messages = (model: string, beta: string) =>
    fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key.token, "anthropic-version": "2023-06-01", "anthropic-beta": beta },
      body: JSON.stringify({ model, max_tokens: 64, messages: [{ role: "user", content: "Hi" }] }),
    });

  test("a Claude model gets the betas in additionalModelRequestFields.anthropic_beta", async () => {
    const response = await messages("claude-haiku-4-5", "interleaved-thinking-2025-05-14, context-1m-2025-08-07");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBeNull();
    expect((lastRequest().body as { additionalModelRequestFields: unknown }).additionalModelRequestFields).toEqual({ anthropic_beta: ["interleaved-thinking-2025-05-14", "context-1m-2025-08-07"] });
  });

  test("a beta Bedrock does not know comes back as the provider's 400", async () => {
    const response = await messages("claude-haiku-4-5", "no-such-beta-2099-01-01");
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain("no-such-beta-2099-01-01");
  });

  test("a non-Claude model omits it with a warning", async () => {
    const response = await messages("nova-lite", "interleaved-thinking-2025-05-14");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBe("unsupported_parameter:anthropic_beta");
    expect((lastRequest().body as Record<string, unknown>).additionalModelRequestFields).toBeUndefined();
  });
});

describe("the Bedrock fake is strict", () => {
  const path = "/model/amazon.nova-lite-v1%3A0/converse";
  test.each<{ name: string; headers: Record<string, string>; body: unknown; status: number; type: string }>([
    { name: "no signature", headers: {}, body: { messages: [{ role: "user", content: [{ text: "Hi" }] }] }, status: 403, type: "MissingAuthenticationTokenException" },
    {
      name: "a forged signature",
      headers: { "x-amz-date": "20261127T100000Z", authorization: `AWS4-HMAC-SHA256 Credential=AKIAFAKEBEDROCK00001/20261127/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}` },
      body: { messages: [{ role: "user", content: [{ text: "Hi" }] }] },
      status: 403,
      type: "InvalidSignatureException",
    },
    { name: "an unknown access key", headers: { authorization: `AWS4-HMAC-SHA256 Credential=AKIAUNKNOWN/20261127/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}` }, body: {}, status: 403, type: "UnrecognizedClientException" },
  ])("$name", async ({ headers, body, status, type }) => {
    const response = await fetch(`${fake.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    expect(response.status).toBe(status);
    expect(response.headers.get("x-amzn-errortype")?.split(":")[0]).toBe(type);
  });
});

describe("the Bedrock fake validates Converse bodies", () => {
  const hi = { role: "user", content: [{ text: "Hi" }] };
  test.each<{ name: string; body: unknown; message: string }>([
    { name: "a model id in the body", body: { modelId: "x", messages: [hi] }, message: "extraneous key [modelId]" },
    { name: "roles that do not alternate", body: { messages: [hi, hi] }, message: "A conversation must alternate between user and assistant roles" },
    { name: "a blank text block", body: { messages: [{ role: "user", content: [{ text: " " }] }] }, message: "is blank" },
    {
      name: "tool blocks without toolConfig",
      body: { messages: [hi, { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "f", input: {} } }] }, { role: "user", content: [{ toolResult: { toolUseId: "t1", content: [{ text: "ok" }] } }] }] },
      message: "The toolConfig field must be defined",
    },
    { name: "temperature above 1", body: { messages: [hi], inferenceConfig: { temperature: 1.5 } }, message: "inferenceConfig.temperature must be between 0 and 1." },
  ])("$name → 400 ValidationException", async ({ body, message }) => {
    const url = `${fake.url}/model/amazon.nova-lite-v1%3A0/converse`;
    const text = JSON.stringify(body);
    const headers = { "content-type": "application/json" };
    const signed = await signRequest({ method: "POST", url, headers, body: text }, { credentials: parseCredentials(FAKE_BEDROCK_CREDENTIAL)!, region: "us-east-1", service: "bedrock", now: new Date() });
    const response = await fetch(url, { method: "POST", headers: { ...headers, ...signed }, body: text });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")?.split(":")[0]).toBe("ValidationException");
    expect((await response.json()).message).toContain(message);
  });
});
