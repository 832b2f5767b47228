import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseCredentials, signRequest } from "@/server/providers/bedrock";
import { eventStreamDecoder } from "@/server/providers/bedrock/event-stream";
import { collect } from "@/server/providers/test-utils";
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
  const signed = signRequest({ method: "POST", url, headers, body: text }, { credentials, region: "us-east-1", service: "bedrock", now: new Date() });
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
