/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Policy through the whole pipeline: the same violating prompt sent through every endpoint (chat completions,
 * messages, responses over HTTP and WebSocket, realtime chat over WebSocket, embeddings, count_tokens; stream and
 * not) gets the same decision, no provider sees it, and its ledger row carries the decision without the matched
 * text. Redact and reroute change what the provider receives; /v1/models follows org residency.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_ANTHROPIC_API_KEY } from "@/e2e/fakes/anthropic-fake";
import { startFakeAnthropicCountTokens } from "@/e2e/fakes/anthropic-count-tokens-fake";
import type { FakeUpstream } from "@/e2e/fakes/common";
import { startFakeOpenAIEmbeddings } from "@/e2e/fakes/openai-embeddings";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import type { PolicyRuleEntry } from "../policy/rule-definition";
import { attachWebSocketRouter, makeKey, makeModel, openWebSocket, ORG, postJson, startTestGateway, until } from "./harness";

const CARD = "4111 1111 1111 1111";
const EMAIL = "jane@example.com";
let chatFake: FakeUpstream;
let embeddingsFake: FakeUpstream;
let countFake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let sockets: ReturnType<typeof attachWebSocketRouter>;
const key = makeKey({ region: "eu-west-1" });
const usKey = makeKey({ region: "us-east-1" });

const rule = (position: number, overrides: Partial<PolicyRuleEntry>): PolicyRuleEntry => ({ id: crypto.randomUUID(), orgId: ORG, position, name: `rule ${position}`, enabled: true, dryRun: false, action: "log", targetModel: null, conditions: {}, ...overrides });
const blockCards = rule(1, { name: "Block card numbers", action: "block", conditions: { detectors: ["payment_card"] } });
const redactEmails = rule(2, { name: "Redact emails", action: "redact", conditions: { detectors: ["email"] } });
const rerouteToEu = rule(3, { name: "EU callers stay in the EU", action: "reroute", targetModel: "mini-eu", conditions: { caller_regions: ["eu"], model_regions_not: ["eu"] } });

beforeAll(async () => {
  [chatFake, embeddingsFake, countFake] = await Promise.all([startFakeOpenAI(), startFakeOpenAIEmbeddings(), startFakeAnthropicCountTokens()]);
  const region = (entry: ReturnType<typeof makeModel>, label: string) => ({ ...entry, region: label });
  gateway = await startTestGateway({
    keys: [key.entry, usKey.entry],
    models: [
      region(makeModel("mini", "openai", `${chatFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"), "us-east-1"),
      region(makeModel("mini-eu", "openai", `${chatFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4.1-mini"), "eu-west-1"),
      region(makeModel("embed", "openai", `${embeddingsFake.url}/v1`, FAKE_OPENAI_API_KEY, "text-embedding-3-small"), "eu-west-1"),
      region(makeModel("haiku", "anthropic", `${countFake.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001"), "eu-central-1"),
    ],
    policyRules: [blockCards, redactEmails, rerouteToEu],
  });
  sockets = attachWebSocketRouter(gateway);
});
afterAll(async () => {
  sockets.close();
  await gateway.close();
  await Promise.all([chatFake.close(), embeddingsFake.close(), countFake.close()]);
});

type Sent = { status: number; code: string | undefined; message: string };

/** Each endpoint and mode, sending `text` as the prompt to `model`; answers status and error code/message. */
const endpoints: Record<string, (text: string, model: string) => Promise<Sent>> = {
  "chat completions": (text, model) => http("/v1/chat/completions", { model, messages: [{ role: "user", content: text }] }),
  "chat completions, stream": (text, model) => http("/v1/chat/completions", { model, stream: true, messages: [{ role: "user", content: text }] }),
  messages: (text, model) => http("/v1/messages", { model, max_tokens: 50, messages: [{ role: "user", content: text }] }),
  "messages, stream": (text, model) => http("/v1/messages", { model, max_tokens: 50, stream: true, messages: [{ role: "user", content: text }] }),
  responses: (text, model) => http("/v1/responses", { model, store: false, input: text }),
  "responses, stream": (text, model) => http("/v1/responses", { model, store: false, stream: true, input: text }),
  "responses, WebSocket": (text, model) => responsesSocket({ model, store: false, input: text }),
  "realtime chat, WebSocket": (text, model) => chatSocket({ model, messages: [{ role: "user", content: text }] }),
  embeddings: (text) => http("/v1/embeddings", { model: "embed", input: [text] }),
  count_tokens: (text) => http("/v1/messages/count_tokens", { model: "haiku", messages: [{ role: "user", content: text }] }),
};

async function http(path: string, body: unknown): Promise<Sent> {
  const response = await postJson(`${gateway.url}${path}`, key.token, body);
  const text = await response.text();
  let json: any = {};
  try {
    json = JSON.parse(text);
  } catch {
    // a stream
  }
  return { status: response.status, code: json.error?.code ?? undefined, message: json.error?.message ?? "" };
}

async function responsesSocket(body: Record<string, unknown>): Promise<Sent> {
  const { socket, messages } = await openWebSocket<any>(sockets.responsesUrl, { token: key.token });
  socket.send(JSON.stringify({ type: "response.create", ...body }));
  await until(() => messages.some((message) => message.type === "error" || message.type === "response.completed" || message.type === "response.failed"));
  socket.close();
  const error = messages.find((message) => message.type === "error");
  return error ? { status: error.status, code: error.error.code, message: error.error.message } : { status: 200, code: undefined, message: "" };
}

async function chatSocket(request: Record<string, unknown>): Promise<Sent> {
  const { socket, messages } = await openWebSocket<any>(sockets.chatUrl, { token: key.token });
  socket.send(JSON.stringify({ type: "chat.completions.create", id: "one", request }));
  await until(() => messages.some((message) => message.type === "error" || message.type === "done"));
  socket.close();
  const error = messages.find((message) => message.type === "error");
  return error ? { status: error.status, code: error.error.code, message: error.error.message } : { status: 200, code: undefined, message: "" };
}

/** The ledger row of the request sent last (rows settle off the response path). */
async function lastRow(count: number) {
  const rows = await gateway.waitForRows(count);
  return rows.at(-1)!;
}

describe("the same violating prompt through every endpoint", () => {
  test.each(Object.keys(endpoints))("%s: 403 policy_violation naming the rule; no provider call; the decision on the ledger row", async (name) => {
    const before = { rows: gateway.rows.length, upstream: chatFake.received.length + embeddingsFake.received.length + countFake.received.length };
    const sent = await endpoints[name](`please charge ${CARD}`, "mini");
    expect(sent.status).toBe(403);
    // Anthropic's shape has no code: the message names the rule there too.
    if (name.startsWith("messages") || name === "count_tokens") expect(sent.code).toBeUndefined();
    else expect(sent.code).toBe("policy_violation");
    expect(sent.message).toBe(`Request blocked by policy rule "Block card numbers" (${blockCards.id}): payment_card detected.`);
    const row = await lastRow(before.rows + 1);
    expect(row).toMatchObject({ httpStatus: 403, errorKind: "forbidden", policy: { outcome: "blocked", rules: [{ id: blockCards.id, action: "block", applied: true, dryRun: false, detectors: ["payment_card"] }] } });
    expect(JSON.stringify(row)).not.toContain("4111");
    expect(chatFake.received.length + embeddingsFake.received.length + countFake.received.length).toBe(before.upstream);
  });
});

describe("redact and reroute reach the provider changed", () => {
  const lastBody = (fake: FakeUpstream) => JSON.stringify(fake.received.at(-1)?.body);

  test.each(["chat completions", "messages", "responses", "realtime chat, WebSocket", "embeddings", "count_tokens"])("%s: the email is masked before it leaves the gateway", async (name) => {
    const fake = name === "embeddings" ? embeddingsFake : name === "count_tokens" ? countFake : chatFake;
    const rowsBefore = gateway.rows.length;
    const sent = await endpoints[name](`mail ${EMAIL} the report`, "mini-eu");
    expect(sent.status).toBe(200);
    expect(lastBody(fake)).toContain("mail [REDACTED:email] the report");
    expect(lastBody(fake)).not.toContain(EMAIL);
    const row = await lastRow(rowsBefore + 1);
    expect(row.policy).toEqual({ outcome: "redacted", rules: [{ id: redactEmails.id, name: "Redact emails", action: "redact", dryRun: false, applied: true, detectors: ["email"] }] });
    expect(JSON.stringify(row)).not.toContain(EMAIL);
  });

  test("an EU caller asking for a US model is rerouted to the EU model named by the rule", async () => {
    const rowsBefore = gateway.rows.length;
    const sent = await endpoints["chat completions"]("Hi", "mini");
    expect(sent.status).toBe(200);
    expect((chatFake.received.at(-1)?.body as any).model).toBe("gpt-4.1-mini");
    const row = await lastRow(rowsBefore + 1);
    expect(row).toMatchObject({ requestedModel: "mini", servedModel: "gpt-4.1-mini", policy: { outcome: "rerouted", reroutedFrom: "mini", reroutedTo: "mini-eu" } });
  });

  test("a US caller is not rerouted (caller region condition)", async () => {
    const response = await postJson(`${gateway.url}/v1/chat/completions`, usKey.token, { model: "mini", messages: [{ role: "user", content: "Hi" }] });
    expect(response.status).toBe(200);
    expect((chatFake.received.at(-1)?.body as any).model).toBe("gpt-4o-mini");
  });
});

describe("org residency", () => {
  let residencyGateway: Awaited<ReturnType<typeof startTestGateway>>;
  beforeAll(async () => {
    residencyGateway = await startTestGateway({
      keys: [key.entry, usKey.entry],
      models: [
        { ...makeModel("mini", "openai", `${chatFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"), region: "us-east-1" },
        { ...makeModel("mini-eu", "openai", `${chatFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4.1-mini"), region: "eu-west-1" },
        makeModel("unlabelled", "openai", `${chatFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"),
      ],
      policyResidency: [{ orgId: ORG, regions: ["eu"], callerRegions: ["eu"] }],
      trustedRegionHeader: "x-caller-region",
    });
  });
  afterAll(async () => residencyGateway.close());

  const modelsFor = async (token: string, headers: Record<string, string> = {}) =>
    ((await (await fetch(`${residencyGateway.url}/v1/models`, { headers: { authorization: `Bearer ${token}`, ...headers } })).json()) as any).data.map((model: any) => model.id);

  test("/v1/models lists only EU models to an EU caller, everything to others; the trusted header sets the region", async () => {
    expect(await modelsFor(key.token)).toEqual(["mini-eu"]);
    expect(await modelsFor(usKey.token)).toEqual(["mini", "mini-eu", "unlabelled"]);
    expect(await modelsFor(usKey.token, { "x-caller-region": "eu-central-1" })).toEqual(["mini-eu"]);
  });

  test("an EU caller's request to a US model is refused, naming residency; the EU model is served", async () => {
    const refused = await postJson(`${residencyGateway.url}/v1/chat/completions`, key.token, { model: "mini", messages: [{ role: "user", content: "Hi" }] });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatchObject({ code: "policy_violation", message: expect.stringContaining("data residency") });
    const served = await postJson(`${residencyGateway.url}/v1/chat/completions`, key.token, { model: "mini-eu", messages: [{ role: "user", content: "Hi" }] });
    expect(served.status).toBe(200);
  });
});

describe("fail-closed in the pipeline", () => {
  test("a block rule whose stored pattern RE2 cannot compile refuses every request with policy_evaluation_failed; a log rule does not", async () => {
    const broken = { patterns: [{ name: "backref", regex: "(a)\\1" }] };
    const failing = await startTestGateway({ keys: [key.entry], models: [makeModel("mini", "openai", `${chatFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini")], policyRules: [rule(1, { action: "log", conditions: broken }), rule(2, { id: "bad-block", action: "block", conditions: broken })] });
    try {
      const response = await postJson(`${failing.url}/v1/chat/completions`, key.token, { model: "mini", messages: [{ role: "user", content: "Hi" }] });
      expect(response.status).toBe(403);
      expect((await response.json()).error).toMatchObject({ code: "policy_evaluation_failed", message: expect.stringContaining("fail closed") });
      const [row] = await failing.waitForRows(1);
      expect(row.policy).toMatchObject({ outcome: "failed", rules: [{ action: "log", error: "evaluation_failed" }, { id: "bad-block", error: "evaluation_failed" }] });
    } finally {
      await failing.close();
    }
  });
});
