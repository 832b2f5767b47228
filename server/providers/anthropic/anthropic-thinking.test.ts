import { describe, expect, test } from "vitest";
import { chatRequestSchema } from "@/server/gateway/chat-request";
import type { SseEvent } from "@/server/gateway/types";
import { openai } from "../openai";
import { collect, fixtureSse } from "../test-utils";
import { vertex } from "../vertex";
import { anthropicTestTarget, vertexClaudeTestTarget } from "./anthropic-test-target";
import { anthropic } from "./index";

/**
 * Thinking signatures and redacted thinking, both ways: answers carry them (reasoningSignature / redactedReasoning,
 * reasoning-signature / redacted-reasoning events) and history sends them back as Anthropic blocks, unmodified.
 * https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks
 */
const target = anthropicTestTarget;
const SIGNATURE = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds";
const call = { id: "toolu_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } };
const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];

/** A tool loop whose last assistant turn carries `assistant` fields, continued with its tool result. */
function toolLoop(assistant: Record<string, unknown>, fields: Record<string, unknown> = { reasoning_effort: "low", max_completion_tokens: 2048 }) {
  return chatRequestSchema.parse({
    model: "claude-sonnet",
    messages: [{ role: "user", content: "Weather in Paris?" }, { role: "assistant", content: null, tool_calls: [call], ...assistant }, { role: "tool", tool_call_id: "toolu_1", content: "Sunny" }],
    tools,
    ...fields,
  });
}

function build(request: ReturnType<typeof toolLoop>) {
  const upstream = anthropic.buildRequest(request, target);
  const body = JSON.parse(upstream.body) as { thinking?: unknown; messages: { role: string; content: Record<string, unknown>[] }[] };
  return { body, warnings: upstream.warnings.map(({ code, param }) => ({ code, param })) };
}

describe("anthropic: signed thinking in history", () => {
  test("a signed tool loop keeps thinking on and replays the blocks first, unmodified", () => {
    const { body, warnings } = build(toolLoop({ reasoning_content: "Look it up.", reasoning_signature: SIGNATURE, redacted_reasoning: ["ENCRYPTED1", "ENCRYPTED2"] }));
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
    expect(body.messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Look it up.", signature: SIGNATURE },
        { type: "redacted_thinking", data: "ENCRYPTED1" },
        { type: "redacted_thinking", data: "ENCRYPTED2" },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
      ],
    });
    expect(warnings).toEqual([]);
  });

  test("a signed block with omitted thinking text replays with empty thinking", () => {
    const { body } = build(toolLoop({ reasoning_signature: SIGNATURE }));
    expect(body.messages[1].content[0]).toEqual({ type: "thinking", thinking: "", signature: SIGNATURE });
  });

  test("redacted thinking alone also keeps thinking on", () => {
    const { body, warnings } = build(toolLoop({ redacted_reasoning: ["ENCRYPTED1"] }));
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
    expect(body.messages[1].content[0]).toEqual({ type: "redacted_thinking", data: "ENCRYPTED1" });
    expect(warnings).toEqual([]);
  });

  test.each([
    ["unsigned reasoning (another provider's turn)", { reasoning_content: "Look it up." }, [{ code: "unsupported_parameter", param: "reasoning_content" }, { code: "unsupported_parameter", param: "reasoning_effort" }]],
    ["no reasoning at all", {}, [{ code: "unsupported_parameter", param: "reasoning_effort" }]],
  ])("a tool loop with %s runs without thinking, with warnings", (_name, assistant, expected) => {
    const { body, warnings } = build(toolLoop(assistant));
    expect(body.thinking).toBeUndefined();
    expect(body.messages[1].content.map((block) => block.type)).toEqual(["tool_use"]);
    expect(warnings).toEqual(expected);
  });

  test("with thinking off the signed blocks are omitted with a warning", () => {
    const { body, warnings } = build(toolLoop({ reasoning_content: "Look it up.", reasoning_signature: SIGNATURE }, {}));
    expect(body.thinking).toBeUndefined();
    expect(body.messages[1].content.map((block) => block.type)).toEqual(["tool_use"]);
    expect(warnings).toEqual([{ code: "unsupported_parameter", param: "reasoning_signature" }]);
  });

  test("Claude on Vertex replays the same blocks (the shared Messages builder)", () => {
    const vertexTarget = vertexClaudeTestTarget;
    const upstream = vertex.buildRequest(toolLoop({ reasoning_content: "Look it up.", reasoning_signature: SIGNATURE }), vertexTarget);
    const body = JSON.parse(upstream.body) as { thinking?: unknown; messages: { content: unknown[] }[] };
    expect(body.thinking).toEqual({ type: "enabled", budget_tokens: 1024 });
    expect(body.messages[1].content[0]).toEqual({ type: "thinking", thinking: "Look it up.", signature: SIGNATURE });
  });

  test("an OpenAI-compatible provider never receives signatures: omitted with a warning", () => {
    const upstream = openai.buildRequest(toolLoop({ reasoning_content: "Look it up.", reasoning_signature: SIGNATURE, redacted_reasoning: ["ENCRYPTED1"] }, {}), { ...target, provider: "openai", baseUrl: "https://api.openai.com/v1", upstreamModel: "gpt-4o" });
    expect(upstream.body).not.toContain(SIGNATURE);
    expect(upstream.body).not.toContain("ENCRYPTED1");
    expect(upstream.warnings.map((warning) => warning.param)).toEqual(["reasoning_content", "reasoning_signature"]);
  });
});

describe("anthropic: signatures in answers", () => {
  const answer = (content: unknown[]) => anthropic.parseResponse({ id: "msg_1", content, stop_reason: "tool_use", usage: { input_tokens: 1, output_tokens: 1 } });
  const thinking = (text: string, signature = SIGNATURE) => ({ type: "thinking", thinking: text, signature });

  test.each([
    ["one signed block, then redacted ones", [thinking("Plan."), { type: "redacted_thinking", data: "R1" }, { type: "redacted_thinking", data: "R2" }], { reasoning: "Plan.", reasoningSignature: SIGNATURE, redactedReasoning: ["R1", "R2"] }],
    ["a signed block with omitted text", [thinking("")], { reasoningSignature: SIGNATURE }],
    ["redacted blocks only", [{ type: "redacted_thinking", data: "R1" }], { redactedReasoning: ["R1"] }],
    ["two thinking blocks (not replayable as one)", [thinking("A."), thinking("B.")], { reasoning: "A.B." }],
    ["redacted before thinking (not replayable in order)", [{ type: "redacted_thinking", data: "R1" }, thinking("Plan.")], { reasoning: "Plan." }],
  ])("%s", (_name, blocks, expected) => {
    const result = answer([...blocks, { type: "tool_use", id: "toolu_1", name: "get_weather", input: {} }]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { index: _index, toolCalls: _toolCalls, finishReason: _finishReason, text: _text, ...reasoning } = result.value.choices[0];
    expect(reasoning).toEqual(expected);
  });

  test("the stream emits the signature after the thinking deltas, before the text", async () => {
    const events = await collect(fixtureSse("anthropic-thinking").pipeThrough(anthropic.parseStream()));
    const types = events.map((event) => event.type);
    expect(events.filter((event) => event.type === "reasoning-signature")).toEqual([{ type: "reasoning-signature", signature: SIGNATURE }]);
    expect(types.indexOf("reasoning-signature")).toBe(types.lastIndexOf("reasoning-delta") + 1);
    expect(types.indexOf("text-delta")).toBeGreaterThan(types.indexOf("reasoning-signature"));
  });

  const stream = (events: Record<string, unknown>[]): ReadableStream<SseEvent> =>
    new ReadableStream({
      start(controller) {
        for (const event of events) controller.enqueue({ event: String(event.type), data: JSON.stringify(event) });
        controller.close();
      },
    });

  test("a streamed redacted_thinking block becomes one redacted-reasoning event", async () => {
    const events = await collect(
      stream([
        { type: "message_start", message: { usage: { input_tokens: 3, output_tokens: 1 } } },
        { type: "content_block_start", index: 0, content_block: { type: "redacted_thinking", data: "R1" } },
        { type: "content_block_stop", index: 0 },
        { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
        { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Hi" } },
        { type: "content_block_stop", index: 1 },
        { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 5 } },
        { type: "message_stop" },
      ]).pipeThrough(anthropic.parseStream()),
    );
    expect(events).toEqual([
      { type: "redacted-reasoning", data: "R1" },
      { type: "text-delta", text: "Hi" },
      { type: "finish", finishReasons: ["stop"], usage: { inputTokens: 3, outputTokens: 5 } },
    ]);
  });

  test.each([
    ["a redacted_thinking start without data", { type: "content_block_start", index: 0, content_block: { type: "redacted_thinking" } }, "malformed content_block_start event"],
    ["a signature_delta without a signature", { type: "content_block_delta", index: 0, delta: { type: "signature_delta" } }, "malformed content_block_delta event"],
  ])("%s is a malformed event", async (_name, event, message) => {
    const events = await collect(stream([event]).pipeThrough(anthropic.parseStream()));
    expect(events).toEqual([{ type: "error", error: { kind: "upstream", provider: "anthropic", status: 502, message } }]);
  });
});
