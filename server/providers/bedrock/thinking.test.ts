import { describe, expect, test } from "vitest";
import type { ChatRequest } from "@/server/gateway/types";
import { buildConverse, chat } from "./test-utils";
import { isThinkingModel } from "./thinking";

const HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
const build = (request: ChatRequest, model = HAIKU) => {
  const { body, warnings } = buildConverse(request, model);
  return { body, warnings: warnings.map((warning) => `${warning.code}:${warning.param}`) };
};

describe("bedrock: reasoning_effort → additionalModelRequestFields.thinking", () => {
  test.each([
    [HAIKU, true],
    ["anthropic.claude-3-7-sonnet-20250219-v1:0", true],
    ["eu.anthropic.claude-sonnet-4-5-20250929-v1:0", true],
    ["global.anthropic.claude-opus-4-1-20250805-v1:0", true],
    ["anthropic.claude-3-5-haiku-20241022-v1:0", false],
    ["amazon.nova-lite-v1:0", false],
  ])("%s can think: %s", (model, expected) => {
    expect(isThinkingModel(model)).toBe(expected);
  });

  test.each([
    ["minimal", 1024],
    ["low", 1024],
    ["medium", 4096],
    ["high", 16384],
  ] as const)("%s → budget %d; without a limit maxTokens leaves 4096 for the answer", (effort, budget) => {
    const { body, warnings } = build(chat({ reasoning_effort: effort }));
    expect(body.additionalModelRequestFields).toEqual({ thinking: { type: "enabled", budget_tokens: budget } });
    expect(body.inferenceConfig).toEqual({ maxTokens: budget + 4096 });
    expect(warnings).toEqual([]);
  });

  test("a limit above the budget is kept; a limit at or below it is raised with a warning", () => {
    expect(build(chat({ reasoning_effort: "low", max_tokens: 2048 })).body.inferenceConfig).toEqual({ maxTokens: 2048 });
    const raised = build(chat({ reasoning_effort: "medium", max_completion_tokens: 500 }));
    expect(raised.body.inferenceConfig).toEqual({ maxTokens: 4596 });
    expect(raised.warnings).toEqual(["clamped_parameter:max_completion_tokens"]);
  });

  test("temperature and a low top_p are omitted with warnings while thinking; top_p 0.95 stays", () => {
    const { body, warnings } = build(chat({ reasoning_effort: "low", temperature: 0.2, top_p: 0.5 }));
    expect(body.inferenceConfig).toEqual({ maxTokens: 5120 });
    expect(warnings).toEqual(["unsupported_parameter:temperature", "unsupported_parameter:top_p"]);
    expect(build(chat({ reasoning_effort: "low", top_p: 0.95 })).body.inferenceConfig).toEqual({ maxTokens: 5120, topP: 0.95 });
  });

  test("a forced tool choice or a tool loop continuation turns thinking off with a warning", () => {
    const tools = [{ type: "function" as const, function: { name: "f", parameters: { type: "object" } } }];
    const forced = build(chat({ reasoning_effort: "low", tools, tool_choice: "required" }));
    expect(forced.body.additionalModelRequestFields).toBeUndefined();
    expect(forced.warnings).toEqual(["unsupported_parameter:reasoning_effort"]);
    const continuation = build(
      chat({
        reasoning_effort: "low",
        tools,
        messages: [
          { role: "user", content: "Hi" },
          { role: "assistant", content: null, tool_calls: [{ id: "t1", type: "function", function: { name: "f", arguments: "{}" } }] },
          { role: "tool", tool_call_id: "t1", content: "ok" },
        ],
      }),
    );
    expect(continuation.body.additionalModelRequestFields).toBeUndefined();
    expect(continuation.warnings).toEqual(["unsupported_parameter:reasoning_effort"]);
  });

  test("a model without thinking gets a warning and no extra fields", () => {
    const { body, warnings } = build(chat({ reasoning_effort: "high" }), "amazon.nova-lite-v1:0");
    expect(body.additionalModelRequestFields).toBeUndefined();
    expect(body.inferenceConfig).toBeUndefined();
    expect(warnings).toEqual(["unsupported_parameter:reasoning_effort"]);
  });
});
