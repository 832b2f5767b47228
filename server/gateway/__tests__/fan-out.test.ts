/* eslint-disable @typescript-eslint/no-explicit-any */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "@/e2e/fakes/anthropic-fake";
import { FAKE_TEXT, type FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_DEEPSEEK_API_KEY, startFakeDeepSeek } from "@/e2e/fakes/deepseek-fake";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { chatRequestSchema } from "../chat-request";
import { estimatePromptTokens } from "../estimate-tokens";
import { makeKey, makeModel, postJson, readSse, startTestGateway, until } from "./harness";
import { SCENARIO_SLOT, startScenarioProxy } from "./scenario-proxy";

// `n` on Anthropic (one choice per Message): the gateway fans out n calls and merges them (chat/fan-out/).
let anthropicFake: FakeUpstream;
let openaiFake: FakeUpstream;
let deepseekFake: FakeUpstream;
let proxy: Awaited<ReturnType<typeof startScenarioProxy>>;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();

beforeAll(async () => {
  [anthropicFake, openaiFake, deepseekFake] = await Promise.all([startFakeAnthropic(), startFakeOpenAI(), startFakeDeepSeek()]);
  proxy = await startScenarioProxy(anthropicFake.url);
  gateway = await startTestGateway({
    keys: [key.entry],
    models: [
      makeModel("haiku", "anthropic", `${anthropicFake.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001"),
      // The same fake behind a proxy that gives each fanned-out call its own scenario.
      makeModel("haiku-planned", "anthropic", `${proxy.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001"),
      makeModel("mini", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"),
      makeModel("deepseek-chat", "deepseek", deepseekFake.url, FAKE_DEEPSEEK_API_KEY, "deepseek-chat"),
    ],
    firstTokenTimeoutMs: 1500,
    idleMs: 2000,
  });
});
afterAll(async () => {
  await gateway.close();
  await proxy.close();
  await Promise.all([anthropicFake.close(), openaiFake.close(), deepseekFake.close()]);
});

const chat = (body: unknown, signal?: AbortSignal) => postJson(`${gateway.url}/v1/chat/completions`, key.token, body, signal);
const plannedMessages = [{ role: "user", content: `Hi ${SCENARIO_SLOT}` }];
/** The gateway's estimate of one call's prompt (what a call is billed for when it reported no usage). */
const promptEstimate = () => estimatePromptTokens(chatRequestSchema.parse({ model: "haiku-planned", messages: plannedMessages }));
const lastRow = async (before: number) => (await gateway.waitForRows(before + 1))[before];

/** Chunks by choice index: the text each choice streamed and its finish reasons. */
function byChoice(chunks: any[]): Map<number, { text: string; roles: number; finish: string[] }> {
  const choices = new Map<number, { text: string; roles: number; finish: string[] }>();
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      const entry = choices.get(choice.index) ?? { text: "", roles: 0, finish: [] };
      entry.text += choice.delta.content ?? "";
      if (choice.delta.role) entry.roles += 1;
      if (choice.finish_reason) entry.finish.push(choice.finish_reason);
      choices.set(choice.index, entry);
    }
  }
  return choices;
}

describe("n > 1 on a provider with one choice per call", () => {
  test("non-stream n=3: three calls, choices 0..2, summed usage, one ledger row costing three calls", async () => {
    const [before, received] = [gateway.rows.length, anthropicFake.received.length];
    const response = await chat({ model: "haiku", n: 3, messages: [{ role: "user", content: "Hi" }] });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-modelgate-warnings")).toBeNull();
    const body = await response.json();
    expect(body.choices).toEqual(
      [0, 1, 2].map((index) => ({ index, message: { role: "assistant", content: FAKE_TEXT, refusal: null }, logprobs: null, finish_reason: "stop" })),
    );
    expect(body.usage).toMatchObject({ prompt_tokens: 63, completion_tokens: 21, total_tokens: 84 });
    const calls = anthropicFake.received.slice(received);
    expect(calls).toHaveLength(3);
    expect(calls.every((call) => !("n" in (call.body as object)))).toBe(true);
    // One call: 21 × 0.15 + 7 × 0.60 = 7.35 µ$; three calls: 22.05 µ$.
    expect(await lastRow(before)).toMatchObject({ status: "success", inputTokens: 63, outputTokens: 21, tokensEstimated: false, costUsd: "0.000022050000", upstreamAttempts: 3, warnings: [] });
    expect(gateway.rows).toHaveLength(before + 1);
  });

  test("stream n=2: both choices interleaved on their own index, one usage chunk summed, [DONE] last", async () => {
    const before = gateway.rows.length;
    const response = await chat({ model: "haiku", n: 2, stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Hi [[fake:cached]]" }] });
    expect(response.status).toBe(200);
    const events = await readSse(response);
    expect(events.at(-1)).toBe("[DONE]");
    expect(events.filter((event) => event === "[DONE]")).toHaveLength(1);
    const chunks = events.slice(0, -1).map((data) => JSON.parse(data));
    const choices = byChoice(chunks);
    expect([...choices.keys()].sort()).toEqual([0, 1]);
    for (const choice of choices.values()) expect(choice).toEqual({ text: FAKE_TEXT, roles: 1, finish: ["stop"] });
    const usageChunks = chunks.filter((chunk) => chunk.usage);
    expect(usageChunks).toHaveLength(1);
    expect(usageChunks[0]).toMatchObject({ choices: [], usage: { prompt_tokens: 42, completion_tokens: 14, prompt_tokens_details: { cached_tokens: 16 } } });
    expect(chunks.at(-1)).toBe(usageChunks[0]);
    // Per call: 13 × 0.15 + 8 × 0.075 + 7 × 0.60 = 6.75 µ$.
    expect(await lastRow(before)).toMatchObject({ status: "success", stream: true, inputTokens: 42, cachedInputTokens: 16, outputTokens: 14, costUsd: "0.000013500000" });
  });

  test("non-stream: one call failing fails the request with its error; the calls that answered are still billed", async () => {
    const before = gateway.rows.length;
    proxy.plan((arrival) => (arrival === 2 ? "[[fake:error:529]]" : ""));
    const response = await chat({ model: "haiku-planned", n: 3, messages: plannedMessages });
    expect(response.status).toBe(503);
    expect((await response.json()).error).toMatchObject({ type: "upstream_error" });
    expect(await lastRow(before)).toMatchObject({ status: "error", httpStatus: 503, inputTokens: 42, outputTokens: 14, costUsd: "0.000014700000", upstreamAttempts: 3 });
  });

  test("stream: one call cut mid-way ends with an error event (no [DONE]), cancels the others, bills all three", async () => {
    const before = gateway.rows.length;
    const received = anthropicFake.received.length;
    proxy.plan((arrival) => (arrival === 2 ? "[[fake:cut]]" : "[[fake:slow]]"));
    const response = await chat({ model: "haiku-planned", n: 3, stream: true, messages: plannedMessages });
    expect(response.status).toBe(200);
    const events = await readSse(response);
    expect(events).not.toContain("[DONE]");
    expect(JSON.parse(events.at(-1)!).error).toMatchObject({ code: "stream_cut" });
    const calls = anthropicFake.received.slice(received);
    await until(() => calls.every((call) => call.outcome !== "pending"));
    expect(calls.map((call) => call.outcome).sort()).toEqual(["client_closed", "client_closed", "cut"]);
    const row = await lastRow(before);
    expect(row).toMatchObject({ status: "error", errorKind: "stream_cut", tokensEstimated: true, upstreamAttempts: 3 });
    expect(row.inputTokens).toBe(3 * (await promptEstimate()));
  });

  test("stream: a call that fails before its first event is an HTTP error; the opened ones are cancelled and billed", async () => {
    const before = gateway.rows.length;
    proxy.plan((arrival) => (arrival === 1 ? "[[fake:error:400]]" : ""));
    const response = await chat({ model: "haiku-planned", n: 2, stream: true, messages: plannedMessages });
    expect(response.status).toBe(400);
    const row = await lastRow(before);
    expect(row).toMatchObject({ status: "error", httpStatus: 400, tokensEstimated: true });
    expect(row.inputTokens).toBe(await promptEstimate());
  });

  test("stream: a client that leaves cancels every call and is billed for what they consumed", async () => {
    const before = gateway.rows.length;
    const received = anthropicFake.received.length;
    proxy.plan(() => "[[fake:slow]]");
    const controller = new AbortController();
    const response = await chat({ model: "haiku-planned", n: 2, stream: true, messages: plannedMessages }, controller.signal);
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    const calls = anthropicFake.received.slice(received);
    await until(() => calls.length === 2 && calls.every((call) => call.outcome === "client_closed"));
    expect(calls.map((call) => call.outcome)).toEqual(["client_closed", "client_closed"]);
    const row = await lastRow(before);
    expect(row).toMatchObject({ status: "aborted", clientAborted: true, tokensEstimated: true });
    expect(row.inputTokens).toBe(2 * (await promptEstimate()));
  });
});

describe("n > 1 on an OpenAI-compatible provider with one choice per call", () => {
  test("DeepSeek (its reference has no n): one call per choice, merged", async () => {
    const [before, received] = [gateway.rows.length, deepseekFake.received.length];
    const response = await chat({ model: "deepseek-chat", n: 2, messages: [{ role: "user", content: "Hi" }] });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.choices.map((choice: any) => [choice.index, choice.message.content])).toEqual([
      [0, FAKE_TEXT],
      [1, FAKE_TEXT],
    ]);
    const calls = deepseekFake.received.slice(received);
    expect(calls.map((call) => "n" in (call.body as object))).toEqual([false, false]);
    expect(await lastRow(before)).toMatchObject({ status: "success", inputTokens: 42, outputTokens: 14, upstreamAttempts: 2 });
  });
});

describe("n bounds", () => {
  test.each([false, true])("n above 16 calls is a 400 naming n, before any provider call (stream %s)", async (stream) => {
    const [before, received] = [gateway.rows.length, anthropicFake.received.length];
    const response = await chat({ model: "haiku", n: 17, stream, messages: [{ role: "user", content: "Hi" }] });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        message: "Invalid 'n': integer above maximum value. Expected a value <= 16, but got 17 instead. anthropic returns one choice per call, and the gateway makes at most 16 calls for one request.",
        type: "invalid_request_error",
        code: "integer_above_max_value",
        param: "n",
      },
    });
    expect(anthropicFake.received.length).toBe(received);
    expect(await lastRow(before)).toMatchObject({ status: "error", httpStatus: 400, costUsd: "0.000000000000", upstreamAttempts: 0 });
  });

  test("a provider that takes n itself gets one call with n as sent, above the fan-out bound", async () => {
    const received = openaiFake.received.length;
    const response = await chat({ model: "mini", n: 20, messages: [{ role: "user", content: "Hi" }] });
    expect(response.status).toBe(200);
    expect(openaiFake.received.slice(received).map((call) => (call.body as { n?: number }).n)).toEqual([20]);
  });
});
