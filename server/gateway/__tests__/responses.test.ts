import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "@/e2e/fakes/anthropic-fake";
import { FAKE_TEXT, FAKE_TEXT_DELTAS, type FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_GEMINI_API_KEY, startFakeGemini } from "@/e2e/fakes/gemini-fake";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { createMemoryResponseStore } from "../inbound/responses/response-store";
import { fakeToolInputs, makeKey, makeModel, startTestGateway } from "./harness";

/** POST /v1/responses (OpenAI Responses in) through the official openai SDK, against every fake provider. */
let openaiFake: FakeUpstream;
let anthropicFake: FakeUpstream;
let geminiFake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let client: OpenAI;
const key = makeKey();
/** Same org, another key. */
const otherKey = makeKey();
const store = createMemoryResponseStore();

beforeAll(async () => {
  [openaiFake, anthropicFake, geminiFake] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  gateway = await startTestGateway({
    keys: [key.entry, otherKey.entry],
    models: [
      makeModel("mini", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"),
      makeModel("haiku", "anthropic", `${anthropicFake.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001"),
      makeModel("flash", "gemini", `${geminiFake.url}/v1beta`, FAKE_GEMINI_API_KEY, "gemini-2.5-flash"),
    ],
    firstTokenTimeoutMs: 1500,
    idleMs: 800,
  });
  gateway.deps.responses = store;
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key.token, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openaiFake.close(), anthropicFake.close(), geminiFake.close()]);
});

const weatherTool: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "The weather in a city",
  parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
  strict: false,
};

describe.each(["mini", "haiku", "flash"])("%s through /v1/responses", (model) => {
  test("non-stream text, usage, stored conversation and the ledger row", async () => {
    const before = gateway.rows.length;
    const response = await client.responses.create({ model, instructions: "Be brief.", input: "Hi" });
    expect(response).toMatchObject({
      object: "response",
      status: "completed",
      model,
      instructions: "Be brief.",
      output_text: FAKE_TEXT,
      output: [{ type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: FAKE_TEXT, annotations: [] }] }],
      usage: { input_tokens: 21, output_tokens: 7, total_tokens: 28, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } },
    });
    expect(response.id).toMatch(/^resp_[0-9a-f]{24}$/);
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    expect(row).toMatchObject({ id: `req_${response.id.slice(5)}`, endpoint: "/v1/responses", status: "success", stream: false, inputTokens: 21, outputTokens: 7 });
    expect(store.records.get(response.id)?.messages).toEqual([{ role: "user", content: "Hi" }, { role: "assistant", content: FAKE_TEXT }]);
  });

  test("stream text: deltas in order, finalResponse with cached usage, the ledger row", async () => {
    const before = gateway.rows.length;
    const stream = client.responses.stream({ model, input: "Hi [[fake:cached]]" });
    const deltas: string[] = [];
    const types: string[] = [];
    stream.on("event", (event) => types.push(event.type));
    stream.on("response.output_text.delta", (event) => deltas.push(event.delta));
    const response = await stream.finalResponse();
    expect(deltas).toEqual(FAKE_TEXT_DELTAS);
    expect(types.slice(0, 4)).toEqual(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"]);
    expect(types.slice(-4)).toEqual(["response.output_text.done", "response.content_part.done", "response.output_item.done", "response.completed"]);
    expect(response).toMatchObject({ status: "completed", output_text: FAKE_TEXT, usage: { input_tokens: 21, output_tokens: 7, input_tokens_details: { cached_tokens: 8 } } });
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    expect(row).toMatchObject({ id: `req_${response.id.slice(5)}`, endpoint: "/v1/responses", status: "success", stream: true, cachedInputTokens: 8 });
  });

  test("function call round trip via previous_response_id (streamed call, non-stream answer)", async () => {
    // The directive sits in the instructions, which a continued response does not carry over.
    const call = await client.responses
      .stream({ model, instructions: "Use tools. [[fake:tool]]", input: "Weather in Paris?", tools: [weatherTool], tool_choice: "required" })
      .finalResponse();
    const functionCall = call.output.find((item) => item.type === "function_call");
    expect(functionCall).toMatchObject({ type: "function_call", status: "completed", name: "get_weather" });
    expect(JSON.parse(functionCall!.type === "function_call" ? functionCall!.arguments : "")).toEqual(fakeToolInputs[model]);

    const answer = await client.responses.create({
      model,
      previous_response_id: call.id,
      tools: [weatherTool],
      input: [{ type: "function_call_output", call_id: functionCall!.type === "function_call" ? functionCall!.call_id : "", output: "Sunny, 21°C" }],
    });
    expect(answer).toMatchObject({ status: "completed", output_text: FAKE_TEXT, previous_response_id: call.id });
    expect(store.records.get(answer.id)?.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool", "assistant"]);
  });
});

describe("previous_response_id, store and errors on /v1/responses", () => {
  test("the upstream receives the stored conversation before the new input", async () => {
    const first = await client.responses.create({ model: "mini", input: "My name is Ada." });
    await client.responses.create({ model: "mini", previous_response_id: first.id, input: [{ role: "user", content: [{ type: "input_text", text: "Who am I?" }] }] });
    const body = openaiFake.received.at(-1)!.body as { messages: unknown[] };
    expect(body.messages).toEqual([
      { role: "user", content: "My name is Ada." },
      { role: "assistant", content: FAKE_TEXT },
      { role: "user", content: [{ type: "text", text: "Who am I?" }] },
    ]);
  });

  test("store: false stores nothing", async () => {
    const response = await client.responses.create({ model: "mini", input: "Hi", store: false });
    expect(response).toMatchObject({ store: false });
    expect(store.records.has(response.id)).toBe(false);
  });

  test("an unknown previous_response_id is a 404 previous_response_not_found, recorded on the ledger", async () => {
    const before = gateway.rows.length;
    const error = await client.responses.create({ model: "mini", input: "Hi", previous_response_id: "resp_unknown" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).error).toEqual({
      message: "Previous response with id 'resp_unknown' not found.",
      type: "invalid_request_error",
      code: "previous_response_not_found",
      param: "previous_response_id",
    });
    expect((await gateway.waitForRows(before + 1)).at(-1)).toMatchObject({ endpoint: "/v1/responses", status: "error", httpStatus: 404, errorKind: "invalid_request" });
  });

  test("another key of the same org cannot continue a response", async () => {
    const first = await client.responses.create({ model: "mini", input: "Secret." });
    const stranger = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: otherKey.token, maxRetries: 0 });
    await expect(stranger.responses.create({ model: "mini", input: "Hi", previous_response_id: first.id })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("a cut stream ends with response.failed and never completed", async () => {
    const types: string[] = [];
    const stream = await client.responses.create({ model: "mini", input: "Hi [[fake:cut]]", stream: true });
    let failed: OpenAI.Responses.ResponseFailedEvent | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.failed") failed = event;
    }
    expect(types.slice(-2)).toEqual(["error", "response.failed"]);
    expect(types).not.toContain("response.completed");
    expect(failed?.response).toMatchObject({ status: "failed", error: { code: "stream_cut", message: "The openai stream ended before it was complete." } });
  });
});
