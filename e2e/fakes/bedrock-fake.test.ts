import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseCredentials, signRequest } from "@/server/providers/bedrock";
import { eventStreamDecoder } from "@/server/providers/bedrock/event-stream";
import { collect } from "@/server/providers/test-utils";
import { fakeBedrockCountTokens } from "./bedrock-count-tokens";
import { FAKE_BEDROCK_CREDENTIAL, FAKE_BEDROCK_REASONING_SIGNATURE, startFakeBedrock } from "./bedrock-fake";
import { FAKE_REASONING, FAKE_REASONING_DELTAS, FAKE_TEXT, type FakeUpstream } from "./common";

const HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
const NOVA = "amazon.nova-lite-v1:0";
const credentials = parseCredentials(FAKE_BEDROCK_CREDENTIAL)!;
let fake: FakeUpstream;

beforeAll(async () => {
  fake = await startFakeBedrock();
});
afterAll(() => fake.close());

/** A SigV4-signed Converse (or ConverseStream) call, as the gateway sends it. */
async function converse(model: string, body: Record<string, unknown>, stream = false): Promise<Response> {
  const url = `${fake.url}/model/${encodeURIComponent(model)}/${stream ? "converse-stream" : "converse"}`;
  const text = JSON.stringify(body);
  const headers = { "content-type": "application/json" };
  const signed = await signRequest({ method: "POST", url, headers, body: text }, { credentials, region: "us-east-1", service: "bedrock", now: new Date() });
  return fetch(url, { method: "POST", headers: { ...headers, ...signed }, body: text });
}

const hi = { messages: [{ role: "user", content: [{ text: "Hi" }] }] };
const thinking = (budget = 1024) => ({ additionalModelRequestFields: { thinking: { type: "enabled", budget_tokens: budget } } });

describe("fake bedrock: Claude thinking", () => {
  test("the answer starts with a signed reasoningContent block", async () => {
    const response = await converse(HAIKU, { ...hi, inferenceConfig: { maxTokens: 2048 }, ...thinking() });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.output.message.content).toEqual([{ reasoningContent: { reasoningText: { text: FAKE_REASONING, signature: FAKE_BEDROCK_REASONING_SIGNATURE } } }, { text: FAKE_TEXT }]);
  });

  test("the stream sends reasoning deltas and a signature in block 0, the text in block 1", async () => {
    const response = await converse(HAIKU, { ...hi, inferenceConfig: { maxTokens: 2048 }, ...thinking() }, true);
    expect(response.status).toBe(200);
    const events = (await collect(response.body!.pipeThrough(eventStreamDecoder()))).map((event) => ({ event: event.event, data: JSON.parse(event.data) }));
    const deltas = events.filter((event) => event.event === "contentBlockDelta").map((event) => event.data);
    expect(deltas.filter((delta) => delta.contentBlockIndex === 0).map((delta) => delta.delta)).toEqual([
      ...FAKE_REASONING_DELTAS.map((text) => ({ reasoningContent: { text } })),
      { reasoningContent: { signature: FAKE_BEDROCK_REASONING_SIGNATURE } },
    ]);
    expect(deltas.filter((delta) => delta.contentBlockIndex === 1).map((delta) => delta.delta.text).join("")).toBe(FAKE_TEXT);
    expect(events.at(-1)?.event).toBe("metadata");
  });

  test.each([
    ["a budget below 1024", { inferenceConfig: { maxTokens: 2048 }, ...thinking(512) }, "budget_tokens: Input should be greater than or equal to 1024"],
    ["maxTokens at the budget", { inferenceConfig: { maxTokens: 1024 }, ...thinking() }, "`max_tokens` must be greater than `thinking.budget_tokens`."],
    ["no maxTokens", thinking(), "`max_tokens` must be greater than `thinking.budget_tokens`."],
    ["a temperature change", { inferenceConfig: { maxTokens: 2048, temperature: 0.5 }, ...thinking() }, "`temperature` may only be set to 1 when thinking is enabled."],
    ["a low topP", { inferenceConfig: { maxTokens: 2048, topP: 0.5 }, ...thinking() }, "`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled."],
    [
      "a forced tool choice",
      { inferenceConfig: { maxTokens: 2048 }, ...thinking(), toolConfig: { tools: [{ toolSpec: { name: "f", inputSchema: { json: { type: "object" } } } }], toolChoice: { any: {} } } },
      "Thinking may not be enabled when tool_choice forces tool use.",
    ],
    ["an unknown thinking key", { inferenceConfig: { maxTokens: 2048 }, additionalModelRequestFields: { thinking: { type: "enabled", budget_tokens: 1024, effort: "low" } } }, "extraneous key [effort]"],
  ])("%s is a 400 ValidationException", async (_name, extra, message) => {
    const response = await converse(HAIKU, { ...hi, ...extra });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")).toMatch(/^ValidationException:/);
    expect((await response.json()).message).toContain(message);
  });

  test("Nova rejects Claude's thinking field; without it Nova answers text only", async () => {
    const rejected = await converse(NOVA, { ...hi, inferenceConfig: { maxTokens: 2048 }, ...thinking() });
    expect(rejected.status).toBe(400);
    expect((await rejected.json()).message).toContain("extraneous key [thinking]");
    const plain = await converse(NOVA, hi);
    expect((await plain.json()).output.message.content).toEqual([{ text: FAKE_TEXT }]);
  });
});

describe("fake bedrock: structured output", () => {
  const SCHEMA = { type: "object", properties: { answer: { type: "string" }, score: { type: "integer" }, mood: { enum: ["happy", "sad"] } }, required: ["answer"], additionalProperties: false };
  const outputConfig = (jsonSchema: Record<string, unknown>, type = "json_schema") => ({ outputConfig: { textFormat: { type, structure: { jsonSchema } } } });
  const forced = (toolChoice: Record<string, unknown>, schema: Record<string, unknown> = SCHEMA) => ({
    toolConfig: { tools: [{ toolSpec: { name: "json_answer", inputSchema: { json: schema } } }], toolChoice },
  });
  const expectedJson = { answer: FAKE_TEXT, score: 1, mood: "happy" };

  test("outputConfig on Claude 4.5: the text is JSON built from the schema", async () => {
    const response = await converse(HAIKU, { ...hi, ...outputConfig({ schema: JSON.stringify(SCHEMA), name: "answer" }) });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.stopReason).toBe("end_turn");
    expect(JSON.parse(body.output.message.content[0].text)).toEqual(expectedJson);
  });

  test("outputConfig stream: the JSON text arrives in fragments", async () => {
    const response = await converse(HAIKU, { ...hi, ...outputConfig({ schema: JSON.stringify(SCHEMA) }) }, true);
    const events = (await collect(response.body!.pipeThrough(eventStreamDecoder()))).map((event) => ({ event: event.event, data: JSON.parse(event.data) }));
    const texts = events.filter((event) => event.event === "contentBlockDelta").map((event) => event.data.delta.text as string);
    expect(texts.length).toBeGreaterThan(1);
    expect(JSON.parse(texts.join(""))).toEqual(expectedJson);
  });

  test.each([
    ["Nova", NOVA, outputConfig({ schema: JSON.stringify(SCHEMA) }), "doesn't support the outputConfig.textFormat field"],
    ["a wrong type", HAIKU, outputConfig({ schema: JSON.stringify(SCHEMA) }, "json_object"), "failed to satisfy constraint: Member must satisfy enum value set: [json_schema]"],
    ["a schema object instead of a string", HAIKU, outputConfig({ schema: SCHEMA }), "schema must be a string"],
    ["a schema that is not JSON", HAIKU, outputConfig({ schema: "{type:" }), "not valid JSON"],
    ["an open object", HAIKU, outputConfig({ schema: JSON.stringify({ type: "object", properties: { a: { type: "string" } } }) }), "additionalProperties must be set to false for object types (at #)"],
    [
      "an open nested object",
      HAIKU,
      outputConfig({ schema: JSON.stringify({ ...SCHEMA, properties: { inner: { type: "object", properties: {} } } }) }),
      "additionalProperties must be set to false for object types (at #/properties/inner)",
    ],
    ["an unknown key", HAIKU, outputConfig({ schema: JSON.stringify(SCHEMA), strict: true }), "extraneous key [strict]"],
    ["an empty name", HAIKU, outputConfig({ schema: JSON.stringify(SCHEMA), name: "" }), "jsonSchema.name must be a non-empty string"],
  ])("outputConfig with %s is a 400 ValidationException", async (_name, model, extra, message) => {
    const response = await converse(model, { ...hi, ...extra });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")).toMatch(/^ValidationException:/);
    expect((await response.json()).message).toContain(message);
  });

  test.each([
    ["toolChoice tool", { tool: { name: "json_answer" } }],
    ["toolChoice any", { any: {} }],
  ])("a forced tool (%s) is answered with a toolUse whose input conforms to its schema", async (_name, toolChoice) => {
    const response = await converse(NOVA, { ...hi, ...forced(toolChoice) });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.stopReason).toBe("tool_use");
    expect(body.output.message.content).toEqual([{ toolUse: { toolUseId: "tooluse_fake_1", name: "json_answer", input: expectedJson } }]);
  });

  test("an open object schema gets a non-empty object; the stream sends the input in two fragments", async () => {
    const response = await converse(NOVA, { ...hi, ...forced({ tool: { name: "json_answer" } }, { type: "object" }) }, true);
    const events = (await collect(response.body!.pipeThrough(eventStreamDecoder()))).map((event) => ({ event: event.event, data: JSON.parse(event.data) }));
    expect(events.find((event) => event.event === "contentBlockStart")?.data.start).toEqual({ toolUse: { toolUseId: "tooluse_fake_1", name: "json_answer" } });
    const inputs = events.filter((event) => event.event === "contentBlockDelta").map((event) => event.data.delta.toolUse.input as string);
    expect(inputs).toHaveLength(2);
    expect(JSON.parse(inputs.join(""))).toEqual({ text: FAKE_TEXT });
    expect(events.find((event) => event.event === "messageStop")?.data).toEqual({ stopReason: "tool_use" });
  });

  test("toolChoice auto without [[fake:tool]] answers text", async () => {
    const response = await converse(NOVA, { ...hi, ...forced({ auto: {} }) });
    expect((await response.json()).output.message.content).toEqual([{ text: FAKE_TEXT }]);
  });
});

describe("fake bedrock: CountTokens", () => {
  const COUNTABLE = "anthropic.claude-haiku-4-5-20251001-v1:0";

  async function count(model: string, body: unknown, sign = true): Promise<Response> {
    const url = `${fake.url}/model/${encodeURIComponent(model)}/count-tokens`;
    const text = JSON.stringify(body);
    const headers = { "content-type": "application/json" };
    const signed = sign ? await signRequest({ method: "POST", url, headers, body: text }, { credentials, region: "us-east-1", service: "bedrock", now: new Date() }) : {};
    return fetch(url, { method: "POST", headers: { ...headers, ...signed }, body: text });
  }

  test("a signed converse input on a Claude foundation model answers {inputTokens}", async () => {
    const converse = { ...hi, system: [{ text: "Be brief." }], ...thinking() };
    const response = await count(COUNTABLE, { input: { converse } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ inputTokens: fakeBedrockCountTokens(converse) });
  });

  test("an unsigned call is refused like every route", async () => {
    const response = await count(COUNTABLE, { input: { converse: hi } }, false);
    expect(response.status).toBe(403);
    expect(response.headers.get("x-amzn-errortype")?.split(":")[0]).toBe("MissingAuthenticationTokenException");
  });

  test.each<[string, string, unknown, string]>([
    ["an inference profile id", HAIKU, { input: { converse: hi } }, "doesn't support counting tokens"],
    ["a Nova model", NOVA, { input: { converse: hi } }, "doesn't support counting tokens"],
    ["an unknown model", "anthropic.claude-x-v1:0", { input: { converse: hi } }, "model identifier is invalid"],
    ["a Converse body without input", COUNTABLE, hi, "extraneous key [messages]"],
    ["both union members", COUNTABLE, { input: { converse: hi, invokeModel: { body: "{}" } } }, "exactly one member"],
    ["inferenceConfig (not a count field)", COUNTABLE, { input: { converse: { ...hi, inferenceConfig: { maxTokens: 10 } } } }, "extraneous key [inferenceConfig]"],
    ["a toolUse without toolConfig", COUNTABLE, { input: { converse: { messages: [hi.messages[0], { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "f", input: {} } }] }] } } }, "toolConfig field must be defined"],
    ["a thinking budget below 1024", COUNTABLE, { input: { converse: { ...hi, ...thinking(512) } } }, "greater than or equal to 1024"],
  ])("%s → 400 ValidationException", async (_, model, body, message) => {
    const response = await count(model, body);
    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")?.split(":")[0]).toBe("ValidationException");
    expect((await response.json()).message).toContain(message);
  });

  test("[[fake:error:503]] answers ServiceUnavailableException", async () => {
    const response = await count(COUNTABLE, { input: { converse: { messages: [{ role: "user", content: [{ text: "[[fake:error:503]]" }] }] } } });
    expect(response.status).toBe(503);
    expect(response.headers.get("x-amzn-errortype")?.split(":")[0]).toBe("ServiceUnavailableException");
  });
});
