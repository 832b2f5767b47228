/**
 * Mistral through the whole pipeline, against the strict Mistral fake (e2e/fakes/mistral-fake.ts): no stream_options
 * (Mistral's 422 for it), usage read from Mistral's last stream chunk and billed, and tool-call ids that fit Mistral's
 * 9-character rule in both directions: Mistral's own ids reach the client unchanged and come back as sent; ids from
 * other providers are mapped to deterministic 9-character ids, the same for a call and its result. A prompt over the
 * context window is OpenAI's context_length_exceeded on /v1/chat/completions and Anthropic's "prompt is too long" on
 * /v1/messages.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { FAKE_TEXT, type FakeUpstream, type RecordedRequest } from "@/e2e/fakes/common";
import { FAKE_MISTRAL_API_KEY, FAKE_MISTRAL_TOOL_CALL_ID, startFakeMistral } from "@/e2e/fakes/mistral-fake";
import { FAKE_TOOL_ARGUMENTS } from "@/e2e/fakes/openai-fake";
import { makeKey, makeModel, postJson, readCleanChatStream, readSse, startTestGateway } from "./harness";

let fake: FakeUpstream;
let gateway: Awaited<ReturnType<typeof startTestGateway>>;
const key = makeKey();

beforeAll(async () => {
  fake = await startFakeMistral();
  gateway = await startTestGateway({ keys: [key.entry], models: [makeModel("mistral-small", "mistral", `${fake.url}/v1`, FAKE_MISTRAL_API_KEY, "mistral-small-latest")] });
});
afterAll(async () => {
  await gateway.close();
  await fake.close();
});

const chat = (body: Record<string, unknown>) => postJson(`${gateway.url}/v1/chat/completions`, key.token, { model: "mistral-small", ...body });
const lastRequest = (): RecordedRequest => fake.received.at(-1)!;
const weatherTool = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { location: { type: "string" } } } } };
const MODES = [{ mode: "non-stream", stream: false }, { mode: "stream", stream: true }];

/** The tool call of an answer, from the JSON body or the joined stream chunks. */
async function readToolCall(response: Response, stream: boolean): Promise<{ id: string; name: string; arguments: string }> {
  if (!stream) {
    const call = (await response.json()).choices[0].message.tool_calls[0];
    return { id: call.id, name: call.function.name, arguments: call.function.arguments };
  }
  const deltas = (await readSse(response)).filter((data) => data !== "[DONE]").flatMap((data) => JSON.parse(data).choices[0]?.delta?.tool_calls ?? []);
  return { id: deltas.find((delta: { id?: string }) => delta.id)?.id, name: deltas[0]?.function?.name, arguments: deltas.map((delta: { function: { arguments?: string } }) => delta.function.arguments ?? "").join("") };
}

describe("mistral: streaming usage", () => {
  test("stream: no stream_options upstream; the caller's usage chunk and the ledger come from Mistral's last chunk", async () => {
    const before = gateway.rows.length;
    const response = await chat({ stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Hi" }] });
    expect(response.status).toBe(200);
    const chunks = await readCleanChatStream(response, FAKE_TEXT);
    expect(chunks.at(-1).usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 7, total_tokens: 28 });
    expect(lastRequest().body).toEqual({ model: "mistral-small-latest", messages: [{ role: "user", content: "Hi" }], stream: true });
    const row = (await gateway.waitForRows(before + 1)).at(-1)!;
    // 21 × 0.15 + 7 × 0.60 = 7.35 µ$
    expect(row).toMatchObject({ status: "success", provider: "mistral", stream: true, inputTokens: 21, outputTokens: 7, tokensEstimated: false, costUsd: "0.000007350000" });
  });

  test("stream without include_usage: no usage chunk for the caller, the ledger still has Mistral's usage", async () => {
    const before = gateway.rows.length;
    const response = await chat({ stream: true, messages: [{ role: "user", content: "Hi" }] });
    const chunks = await readCleanChatStream(response, FAKE_TEXT);
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
    expect(lastRequest().body).not.toHaveProperty("stream_options");
    expect((await gateway.waitForRows(before + 1)).at(-1)).toMatchObject({ status: "success", inputTokens: 21, outputTokens: 7, tokensEstimated: false });
  });

  test("non-stream: usage and cost", async () => {
    const before = gateway.rows.length;
    const response = await chat({ messages: [{ role: "user", content: "Hi" }] });
    expect(response.status).toBe(200);
    expect((await response.json()).usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 7 });
    expect((await gateway.waitForRows(before + 1)).at(-1)).toMatchObject({ status: "success", stream: false, inputTokens: 21, outputTokens: 7, costUsd: "0.000007350000" });
  });
});

describe.each(MODES)("mistral: tool-call ids ($mode)", ({ stream }) => {
  test("Mistral's id reaches the client unchanged, and the client's next turn with it is accepted as sent", async () => {
    const first = await chat({ stream, tools: [weatherTool], messages: [{ role: "user", content: "Weather? [[fake:tool]]" }] });
    expect(first.status).toBe(200);
    const call = await readToolCall(first, stream);
    expect(call).toEqual({ id: FAKE_MISTRAL_TOOL_CALL_ID, name: "get_weather", arguments: FAKE_TOOL_ARGUMENTS });
    const history = [
      { role: "user", content: "Weather?" },
      { role: "assistant", content: null, tool_calls: [{ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } }] },
      { role: "tool", tool_call_id: call.id, content: "18°C" },
    ];
    const second = await chat({ stream, tools: [weatherTool], messages: history });
    expect(second.status).toBe(200);
    const sent = lastRequest().body as { messages: Record<string, unknown>[] };
    expect(sent.messages[1]).toMatchObject({ tool_calls: [{ id: FAKE_MISTRAL_TOOL_CALL_ID }] });
    expect(sent.messages[2]).toMatchObject({ tool_call_id: FAKE_MISTRAL_TOOL_CALL_ID });
  });

  test("ids from other providers become 9-character ids, the same for each call and its result, and the same on every turn", async () => {
    const foreign = ["call_PTLP8xhu3uwZk4l3nlnrrJha", "toolu_01A09q90qw90lq917835lq9"];
    const history = [
      { role: "user", content: "Weather in Paris and Lyon?" },
      { role: "assistant", content: null, tool_calls: foreign.map((id, index) => ({ id, type: "function", function: { name: "get_weather", arguments: `{"location":"${["Paris", "Lyon"][index]}"}` } })) },
      { role: "tool", tool_call_id: foreign[1], content: "16°C" },
      { role: "tool", tool_call_id: foreign[0], content: "18°C" },
    ];
    const response = await chat({ stream, tools: [weatherTool], messages: history });
    expect(response.status).toBe(200);
    const sent = (lastRequest().body as { messages: { tool_calls?: { id: string }[]; tool_call_id?: string }[] }).messages;
    const [paris, lyon] = sent[1].tool_calls!.map((call) => call.id);
    expect(paris).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(lyon).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(paris).not.toBe(lyon);
    expect([sent[2].tool_call_id, sent[3].tool_call_id]).toEqual([lyon, paris]);
    // The client sends its own ids again next turn (it never saw the mapped ones): they map the same way.
    await (await chat({ stream, tools: [weatherTool], messages: [...history, { role: "assistant", content: "Paris 18°C, Lyon 16°C." }, { role: "user", content: "Thanks" }] })).text();
    expect((lastRequest().body as { messages: typeof sent }).messages[1].tool_calls!.map((call) => call.id)).toEqual([paris, lyon]);
  });
});

describe.each(MODES)("mistral: a prompt over the context window ($mode)", ({ stream }) => {
  const overflow = "Prompt contains 159202 tokens and 0 draft tokens, too large for model with 131072 maximum context length";

  test("/v1/chat/completions: OpenAI's context_length_exceeded", async () => {
    const response = await chat({ stream, messages: [{ role: "user", content: "A long prompt [[fake:error:400]]" }] });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toEqual({ message: `mistral: ${overflow}`, type: "invalid_request_error", code: "context_length_exceeded", param: "messages" });
  });

  test("/v1/messages: Anthropic's invalid_request_error, worded \"prompt is too long\"", async () => {
    const response = await postJson(`${gateway.url}/v1/messages`, key.token, { model: "mistral-small", max_tokens: 64, stream, messages: [{ role: "user", content: "A long prompt [[fake:error:400]]" }] });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ type: "error", error: { type: "invalid_request_error", message: `prompt is too long: mistral: ${overflow}` } });
  });
});

describe("mistral: the fake is strict", () => {
  test.each([
    { name: "stream_options", body: { stream: true, stream_options: { include_usage: true } }, status: 422, message: { detail: [{ type: "extra_forbidden", loc: ["body", "stream_options", "include_usage"], msg: "Extra inputs are not permitted", input: true }] } },
    {
      name: "a tool-call id that is not 9 alphanumerics",
      body: { messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "", tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }] }, { role: "tool", tool_call_id: "call_1", content: "ok" }] },
      status: 400,
      message: "Tool call id was call_1 but must be a-z, A-Z, 0-9, with a length of 9.",
    },
  ])("$name is refused in Mistral's words", async ({ body, status, message }) => {
    const response = await fetch(`${fake.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${FAKE_MISTRAL_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "mistral-small-latest", messages: [{ role: "user", content: "Hi" }], ...body }),
    });
    expect(response.status).toBe(status);
    expect((await response.json()).message).toEqual(message);
  });
});
