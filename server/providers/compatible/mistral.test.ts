/**
 * Mistral's own quirks beyond the param table (compatible.test.ts has those): no stream_options, usage read from the
 * last stream chunk, and tool-call ids mapped to Mistral's 9-character form.
 * Fixtures: mistral-text.sse and mistral-tool-call.sse follow Mistral's chunks (the tool call is the example of
 * https://docs.mistral.ai/capabilities/function_calling; usage beside the finish_reason in the last chunk,
 * https://github.com/mistralai/client-python/issues/40).
 */
import { describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { StreamEvent, Target } from "@/server/gateway/types";
import { collect, fixtureSse } from "../test-utils";
import { mistral } from "./index";

const target: Target = { provider: "mistral", connectionId: "conn_1", baseUrl: "https://api.mistral.ai/v1", apiKey: "sk-test", upstreamModel: "mistral-small-latest", modelName: "mistral" };
type Message = { role: string; tool_calls?: { id: string }[]; tool_call_id?: string };

function build(fields: Record<string, unknown>) {
  const upstream = mistral.buildRequest(chatRequestSchema.parse({ model: "mistral", messages: [{ role: "user", content: "Hi" }], ...fields }), target);
  return { ...upstream, json: JSON.parse(upstream.body) as { messages: Message[] } & Record<string, unknown> };
}

const call = (id: string) => ({ id, type: "function", function: { name: "get_weather", arguments: "{}" } });
const toolTurn = (ids: string[]) => [
  { role: "user", content: "Weather?" },
  { role: "assistant", content: null, tool_calls: ids.map(call) },
  ...ids.map((id) => ({ role: "tool", tool_call_id: id, content: "18°C" })),
];
const sentIds = (messages: Message[]) => messages.flatMap((message) => [...(message.tool_calls ?? []).map((item) => item.id), ...(message.tool_call_id ? [message.tool_call_id] : [])]);

describe("mistral: stream usage", () => {
  test("a stream request carries no stream_options, with no warning", () => {
    const upstream = build({ stream: true, stream_options: { include_usage: true } });
    expect(upstream.json.stream).toBe(true);
    expect(upstream.json).not.toHaveProperty("stream_options");
    expect(upstream.warnings).toEqual([]);
  });

  test("usage in the last chunk, beside finish_reason, reaches the finish event", async () => {
    const events = await collect(fixtureSse("mistral-text").pipeThrough(mistral.parseStream()));
    expect(events.map((event) => (event.type === "text-delta" ? event.text : "")).join("")).toBe("Bonjour !");
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["stop"], usage: { inputTokens: 12, outputTokens: 4 } });
  });

  test("a tool call in one chunk keeps Mistral's id; its usage is read", async () => {
    const events = await collect(fixtureSse("mistral-tool-call").pipeThrough(mistral.parseStream()));
    expect(events.filter((event) => event.type === "tool-call-delta")).toEqual([
      { type: "tool-call-delta", toolIndex: 0, id: "D681PevKs", name: "retrieve_payment_status", argumentsDelta: '{"transaction_id": "T1001"}' },
    ]);
    expect(events.at(-1)).toEqual({ type: "finish", finishReasons: ["tool_calls"], usage: { inputTokens: 167, outputTokens: 28 } });
  });

  test("a stream cut before [DONE] ends with stream_cut, not a finish", async () => {
    const events: StreamEvent[] = await collect(fixtureSse("mistral-text", { cutAfterBytes: 400 }).pipeThrough(mistral.parseStream()));
    expect(events.at(-1)).toEqual({ type: "error", error: { kind: "stream_cut", provider: "mistral" } });
  });
});

describe("mistral: tool-call ids", () => {
  test("ids that already fit (9 of [a-zA-Z0-9]) are sent unchanged", () => {
    const upstream = build({ messages: toolTurn(["D681PevKs", "a1B2c3D4e"]) });
    expect(sentIds(upstream.json.messages)).toEqual(["D681PevKs", "a1B2c3D4e", "D681PevKs", "a1B2c3D4e"]);
    expect(upstream.warnings).toEqual([]);
  });

  test.each([
    ["an OpenAI id", "call_PTLP8xhu3uwZk4l3nlnrrJha"],
    ["an Anthropic id", "toolu_01A09q90qw90lq917835lq9"],
    ["a short id", "call_1"],
    ["8 alphanumerics", "abcdefgh"],
    ["10 alphanumerics", "abcdefghij"],
  ])("%s becomes 9 alphanumerics, the same in the call and in its result", (_name, id) => {
    const [callId, resultId] = sentIds(build({ messages: toolTurn([id]) }).json.messages);
    expect(callId).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(resultId).toBe(callId);
  });

  test("the mapping is deterministic: the same id maps the same way in every request", () => {
    const first = sentIds(build({ messages: toolTurn(["call_abc", "call_def"]) }).json.messages);
    const again = sentIds(build({ messages: [...toolTurn(["call_abc", "call_def"]), { role: "user", content: "More" }] }).json.messages);
    expect(again).toEqual(first);
    expect(first[0]).not.toBe(first[1]);
  });

  test("a mapped id never collides with an id already in the request", () => {
    const mapped = sentIds(build({ messages: toolTurn(["call_abc"]) }).json.messages)[0];
    const ids = sentIds(build({ messages: toolTurn([mapped, "call_abc"]) }).json.messages);
    expect(ids[0]).toBe(mapped);
    expect(ids[1]).toMatch(/^[a-zA-Z0-9]{9}$/);
    expect(ids[1]).not.toBe(mapped);
    expect(ids.slice(2)).toEqual(ids.slice(0, 2));
  });

  test("other providers keep their ids as sent", async () => {
    const { openai } = await import("../openai");
    const upstream = openai.buildRequest(chatRequestSchema.parse({ model: "x", messages: toolTurn(["call_PTLP8xhu3uwZk4l3nlnrrJha"]) }), { ...target, provider: "openai" });
    expect(sentIds(JSON.parse(upstream.body).messages)).toEqual(["call_PTLP8xhu3uwZk4l3nlnrrJha", "call_PTLP8xhu3uwZk4l3nlnrrJha"]);
  });
});
