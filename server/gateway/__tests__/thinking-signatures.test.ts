import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_ANTHROPIC_API_KEY, startFakeAnthropic, THINKING_SIGNATURE } from "@/e2e/fakes/anthropic-fake";
import { FAKE_REASONING, FAKE_TEXT, type FakeUpstream } from "@/e2e/fakes/common";
import { FAKE_OPENAI_API_KEY, startFakeOpenAI } from "@/e2e/fakes/openai-fake";
import { makeKey, makeModel, postJson, startTestGateway } from "./harness";

/**
 * Extended thinking in a tool loop through the gateway: the signed thinking block Claude returned goes back to the
 * upstream unchanged, so the second turn keeps thinking on (extended-thinking#preserving-thinking-blocks). The fake
 * rejects a thinking block it did not issue, as the real API does.
 */
let anthropicFake: FakeUpstream;
let openaiFake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
let anthropicClient: Anthropic;
let openaiClient: OpenAI;
const key = makeKey();

beforeAll(async () => {
  [anthropicFake, openaiFake] = await Promise.all([startFakeAnthropic(), startFakeOpenAI()]);
  gateway = await startTestGateway({
    keys: [key.entry],
    models: [
      makeModel("haiku", "anthropic", `${anthropicFake.url}/v1`, FAKE_ANTHROPIC_API_KEY, "claude-haiku-4-5-20251001"),
      makeModel("mini", "openai", `${openaiFake.url}/v1`, FAKE_OPENAI_API_KEY, "gpt-4o-mini"),
    ],
  });
  anthropicClient = new Anthropic({ baseURL: gateway.url, apiKey: key.token, maxRetries: 0 });
  openaiClient = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: key.token, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await Promise.all([anthropicFake.close(), openaiFake.close()]);
});

const weatherTool: Anthropic.Tool = { name: "get_weather", input_schema: { type: "object", properties: { location: { type: "string" } }, required: ["location"] } };
const chatTool: OpenAI.ChatCompletionTool = { type: "function", function: { name: "get_weather", parameters: weatherTool.input_schema as Record<string, unknown> } };
const thinking = { type: "enabled", budget_tokens: 1024 } as const;
const signedBlock = { type: "thinking", thinking: FAKE_REASONING, signature: THINKING_SIGNATURE };

/** The body the Anthropic fake received for the tool-result turn (the last one sent with a tool_result). */
function lastToolResultBody(): { thinking?: unknown; messages: { role: string; content: { type: string }[] }[] } {
  const entry = anthropicFake.received.findLast((recorded) => JSON.stringify(recorded.body).includes('"tool_result"'));
  return entry!.body as ReturnType<typeof lastToolResultBody>;
}

describe.each([
  ["non-stream", false],
  ["stream", true],
])("/v1/messages tool loop with thinking (%s first turn)", (_name, isStreamFirst) => {
  test("the second turn keeps thinking on and the fake receives the signed block unchanged", async () => {
    const question: Anthropic.MessageParam = { role: "user", content: "Weather in Paris? [[fake:tool]]" };
    const first = { model: "haiku", max_tokens: 2048, thinking, tools: [weatherTool], messages: [question] };
    const call = isStreamFirst ? await anthropicClient.messages.stream(first).finalMessage() : await anthropicClient.messages.create(first);
    expect(call.stop_reason).toBe("tool_use");
    expect(call.content[0]).toEqual(signedBlock);
    const toolUse = call.content.find((block) => block.type === "tool_use")!;

    const { data: answer, response } = await anthropicClient.messages
      .create({
        model: "haiku",
        max_tokens: 2048,
        thinking,
        tools: [weatherTool],
        messages: [{ role: "user", content: "Weather in Paris?" }, { role: "assistant", content: call.content }, { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "Sunny" }] }],
      })
      .withResponse();
    expect(answer.content[0]).toEqual(signedBlock);
    expect(answer.content[1]).toMatchObject({ type: "text", text: FAKE_TEXT });
    expect(response.headers.get("x-modelgate-warnings")).toBeNull();
    const upstream = lastToolResultBody();
    expect(upstream.thinking).toEqual(thinking);
    expect(upstream.messages[1].content[0]).toEqual(signedBlock);
  });
});

describe("/v1/chat/completions tool loop with reasoning_signature", () => {
  const firstTurn = () =>
    openaiClient.chat.completions.create({ model: "haiku", max_completion_tokens: 2048, reasoning_effort: "low", tools: [chatTool], messages: [{ role: "user", content: "Weather in Paris? [[fake:tool]]" }] });

  test("the message's reasoning_signature sent back keeps thinking on upstream", async () => {
    const message = (await firstTurn()).choices[0].message as OpenAI.ChatCompletionMessage & { reasoning_content?: string; reasoning_signature?: string };
    expect(message).toMatchObject({ reasoning_content: FAKE_REASONING, reasoning_signature: THINKING_SIGNATURE });
    const call = message.tool_calls![0];
    const { response } = await openaiClient.chat.completions
      .create({
        model: "haiku",
        max_completion_tokens: 2048,
        reasoning_effort: "low",
        tools: [chatTool],
        messages: [{ role: "user", content: "Weather in Paris?" }, message as OpenAI.ChatCompletionAssistantMessageParam, { role: "tool", tool_call_id: call.id, content: "Sunny" }],
      })
      .withResponse();
    expect(response.headers.get("x-modelgate-warnings")).toBeNull();
    const upstream = lastToolResultBody();
    expect(upstream.thinking).toEqual(thinking);
    expect(upstream.messages[1].content[0]).toEqual(signedBlock);
  });

  test("moving the conversation to another provider drops the signature with a warning", async () => {
    const message = (await firstTurn()).choices[0].message;
    const call = message.tool_calls![0];
    const before = openaiFake.received.length;
    const { data, response } = await openaiClient.chat.completions
      .create({ model: "mini", tools: [chatTool], messages: [{ role: "user", content: "Weather in Paris?" }, message as OpenAI.ChatCompletionAssistantMessageParam, { role: "tool", tool_call_id: call.id, content: "Sunny" }] })
      .withResponse();
    expect(data.choices[0].message.content).toBe(FAKE_TEXT);
    expect(response.headers.get("x-modelgate-warnings")).toContain("unsupported_parameter:reasoning_signature");
    expect(JSON.stringify(openaiFake.received.slice(before).map((entry) => entry.body))).not.toContain(THINKING_SIGNATURE);
  });
});

describe("/v1/responses tool loop with encrypted_content", () => {
  test("a stateless loop (store:false, include encrypted_content) sends the signed block back", async () => {
    const base = { model: "haiku", max_output_tokens: 2048, reasoning: { effort: "low" }, store: false, include: ["reasoning.encrypted_content"], tools: [{ type: "function", name: "get_weather", parameters: weatherTool.input_schema }] };
    const first = await postJson(`${gateway.url}/v1/responses`, key.token, { ...base, input: "Weather in Paris? [[fake:tool]]" });
    expect(first.status).toBe(200);
    const output = ((await first.json()) as { output: { type: string; call_id?: string; encrypted_content?: string }[] }).output;
    expect(output[0]).toMatchObject({ type: "reasoning", encrypted_content: THINKING_SIGNATURE });
    const call = output.find((item) => item.type === "function_call")!;
    const second = await postJson(`${gateway.url}/v1/responses`, key.token, { ...base, input: [{ role: "user", content: "Weather in Paris?" }, ...output, { type: "function_call_output", call_id: call.call_id, output: "Sunny" }] });
    expect(second.status).toBe(200);
    expect(second.headers.get("x-modelgate-warnings")).toBeNull();
    const upstream = lastToolResultBody();
    expect(upstream.thinking).toEqual(thinking);
    expect(upstream.messages[1].content[0]).toEqual(signedBlock);
  });
});
