import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic } from "@/e2e/fakes/anthropic-fake";
import { FAKE_TEXT, type FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_GEMINI_API_KEY, startFakeGemini } from "@/e2e/fakes/gemini-fake";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { fakeToolInputs, makeKey, makeModel, readSse, startTestGateway } from "./harness";

/** POST /v1/messages (Anthropic Messages in) through the official Anthropic SDK, against every fake provider. */
let openaiFake: FakeUpstream;
let anthropicFake: FakeUpstream;
let geminiFake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let client: Anthropic;
const key = makeKey();

beforeAll(async () => {
  [openaiFake, anthropicFake, geminiFake] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  gateway = await startTestGateway({
    keys: [key.entry],
    models: [
      makeModel("mini", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"),
      makeModel("haiku", "anthropic", `${anthropicFake.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001"),
      makeModel("flash", "gemini", `${geminiFake.url}/v1beta`, FAKE_GEMINI_API_KEY, "gemini-2.5-flash"),
    ],
    firstTokenTimeoutMs: 1500,
    idleMs: 800,
  });
  client = new Anthropic({ baseURL: gateway.url, apiKey: key.token, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([openaiFake.close(), anthropicFake.close(), geminiFake.close()]);
});

const weatherTool: Anthropic.Tool = {
  name: "get_weather",
  description: "The weather in a city",
  input_schema: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
};

describe.each(["mini", "haiku", "flash"])("%s through /v1/messages", (model) => {
  test("non-stream text, usage and the ledger row", async () => {
    const before = gateway.rows.length;
    const message = await client.messages.create({ model, max_tokens: 50, system: "Be brief.", messages: [{ role: "user", content: "Hi" }] });
    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model,
      content: [{ type: "text", text: FAKE_TEXT }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 21, output_tokens: 7, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    });
    expect(message.id).toMatch(/^msg_[0-9a-f]{24}$/);
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    expect(row).toMatchObject({ id: `req_${message.id.slice(4)}`, endpoint: "/v1/messages", status: "success", stream: false, inputTokens: 21, outputTokens: 7, tokensEstimated: false });
  });

  test("stream text: finalMessage, cached usage and the ledger row", async () => {
    const before = gateway.rows.length;
    const stream = client.messages.stream({ model, max_tokens: 50, messages: [{ role: "user", content: "Hi [[fake:cached]]" }] });
    const deltas: string[] = [];
    stream.on("text", (text) => deltas.push(text));
    const message = await stream.finalMessage();
    expect(deltas.join("")).toBe(FAKE_TEXT);
    expect(message).toMatchObject({
      content: [{ type: "text", text: FAKE_TEXT }],
      stop_reason: "end_turn",
      usage: { input_tokens: 13, output_tokens: 7, cache_read_input_tokens: 8, cache_creation_input_tokens: 0 },
    });
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    expect(row).toMatchObject({ endpoint: "/v1/messages", status: "success", stream: true, inputTokens: 21, cachedInputTokens: 8, outputTokens: 7 });
  });

  test("tool call round trip (non-stream call, streamed answer to the tool result)", async () => {
    const question: Anthropic.MessageParam = { role: "user", content: "Weather in Paris? [[fake:tool]]" };
    const call = await client.messages.create({ model, max_tokens: 100, tools: [weatherTool], tool_choice: { type: "any" }, messages: [question] });
    expect(call.stop_reason).toBe("tool_use");
    const toolUse = call.content.find((block) => block.type === "tool_use");
    expect(toolUse).toMatchObject({ type: "tool_use", name: "get_weather", input: fakeToolInputs[model] });
    expect(toolUse!.id).toEqual(expect.any(String));

    const answer = await client.messages
      .stream({
        model,
        max_tokens: 100,
        tools: [weatherTool],
        // The history without the directive, so the fake answers the tool result with text.
        messages: [{ role: "user", content: "Weather in Paris?" }, { role: "assistant", content: call.content }, { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse!.id, content: "Sunny, 21°C" }] }],
      })
      .finalMessage();
    expect(answer).toMatchObject({ stop_reason: "end_turn", content: [{ type: "text", text: FAKE_TEXT }] });
  });

  test("a streamed tool call arrives as a tool_use block with parsed input", async () => {
    const message = await client.messages.stream({ model, max_tokens: 100, tools: [weatherTool], messages: [{ role: "user", content: "Weather? [[fake:tool]]" }] }).finalMessage();
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content.find((block) => block.type === "tool_use")).toMatchObject({ name: "get_weather", input: fakeToolInputs[model] });
  });

  test("a cut stream makes the SDK throw and is recorded as stream_cut", async () => {
    const before = gateway.rows.length;
    const stream = client.messages.stream({ model, max_tokens: 50, messages: [{ role: "user", content: "Hi [[fake:cut]]" }] });
    await expect(stream.finalMessage()).rejects.toThrow(/stream ended before it was complete/);
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    expect(row).toMatchObject({ endpoint: "/v1/messages", status: "error", errorKind: "stream_cut", stream: true, tokensEstimated: true });
  });
});

describe("errors and authentication on /v1/messages", () => {
  test("an unknown model is a NotFoundError", async () => {
    const error = await client.messages.create({ model: "nope", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).error).toEqual({
      type: "error",
      error: { type: "not_found_error", message: "The model `nope` does not exist or you do not have access to it." },
    });
  });

  test("a bad key is an AuthenticationError", async () => {
    const stranger = new Anthropic({ baseURL: gateway.url, apiKey: makeKey().token, maxRetries: 0 });
    await expect(stranger.messages.create({ model: "mini", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] })).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });

  test("an upstream 429 is a RateLimitError with Retry-After", async () => {
    const error = await client.messages.create({ model: "haiku", max_tokens: 10, messages: [{ role: "user", content: "Hi [[fake:error:429]]" }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(Number((error as InstanceType<typeof Anthropic.RateLimitError>).headers?.get("retry-after"))).toBeGreaterThan(0);
  });

  test.each([
    ["missing max_tokens", { model: "mini", messages: [{ role: "user", content: "Hi" }] }, 400, "invalid_request_error", "Missing required parameter: 'max_tokens'."],
    ["temperature above 1", { model: "mini", max_tokens: 5, temperature: 1.5, messages: [{ role: "user", content: "Hi" }] }, 400, "invalid_request_error", "Invalid 'temperature': decimal above maximum value. Expected a value <= 1, but got 1.5 instead."],
  ])("%s is a 400 in Anthropic's error shape, recorded on the ledger", async (_name, body, status, type, message) => {
    const before = gateway.rows.length;
    const response = await fetch(`${gateway.url}/v1/messages`, { method: "POST", headers: { "x-api-key": key.token, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ type: "error", error: { type, message } });
    expect((await gateway.waitForRows(before + 1)).at(-1)).toMatchObject({ endpoint: "/v1/messages", status: "error", errorKind: "invalid_request" });
  });

  test("Authorization: Bearer works too, and the SSE stream carries named events", async () => {
    const response = await fetch(`${gateway.url}/v1/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "mini", max_tokens: 20, stream: true, messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(response.status).toBe(200);
    const events = (await readSse(response)).map((data) => JSON.parse(data).type);
    expect(events[0]).toBe("message_start");
    expect(events.slice(-2)).toEqual(["message_delta", "message_stop"]);
  });

  test("x-api-key is not accepted on /v1/chat/completions", async () => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", headers: { "x-api-key": key.token, "content-type": "application/json" }, body: JSON.stringify({ model: "mini", messages: [{ role: "user", content: "Hi" }] }) });
    expect(response.status).toBe(401);
  });
});
