import { describe, expect, test } from "vitest";
import type { ChatMessage } from "../types";
import { splitConversation } from "./conversation-turns";
import { fits, truncateHistory } from "./truncate-history";

// Every message costs 10 tokens here, so the arithmetic of each case is visible.
const tokensOf = () => 10;
const conversation: ChatMessage[] = [
  { role: "system", content: "You are terse." },
  { role: "user", content: "first question" },
  { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: "{}" } }] },
  { role: "tool", tool_call_id: "call_1", content: "result one" },
  { role: "assistant", content: "first answer" },
  { role: "developer", content: "Prefer metric units." },
  { role: "user", content: "second question" },
  { role: "assistant", content: "second answer" },
  { role: "user", content: "latest question" },
];

describe("splitConversation", () => {
  test("pins system and developer messages and cuts turns at user messages", () => {
    expect(splitConversation(conversation)).toEqual({ pinned: [0, 5], turns: [[1, 2, 3, 4], [6, 7], [8]] });
  });
  test("messages before the first user message are a turn of their own", () => {
    expect(splitConversation([{ role: "assistant", content: "hello" }, { role: "user", content: "hi" }]).turns).toEqual([[0], [1]]);
  });
});

describe("fits", () => {
  test.each([
    [90, 10, 100, true],
    [91, 10, 100, false],
    [100, 0, 100, true],
  ])("%i prompt + %i reserved in a window of %i: %s", (prompt, reserved, window, expected) => {
    expect(fits(prompt, { window, reserved })).toBe(expected);
  });
});

describe("truncateHistory", () => {
  test("a prompt that fits is kept whole", () => {
    const cut = truncateHistory(conversation, tokensOf, { window: 1000, reserved: 100, overhead: 3 });
    expect(cut).toMatchObject({ droppedTurns: 0, droppedMessages: 0, tokensBefore: 93, tokensAfter: 93 });
    expect(cut?.messages).toEqual(conversation);
  });

  test("drops the oldest turn whole: the tool call and its result go together, system and developer stay", () => {
    // 9 messages × 10 + 3 = 93; the window leaves room for 60: the first turn (40 tokens) must go.
    const cut = truncateHistory(conversation, tokensOf, { window: 80, reserved: 20, overhead: 3 });
    expect(cut).toMatchObject({ droppedTurns: 1, droppedMessages: 4, tokensBefore: 93, tokensAfter: 53 });
    expect(cut!.messages.map((message) => message.role)).toEqual(["system", "developer", "user", "assistant", "user"]);
    expect(cut!.messages.some((message) => message.role === "tool")).toBe(false);
  });

  test("keeps only the pinned messages and the latest turn when nothing else fits", () => {
    const cut = truncateHistory(conversation, tokensOf, { window: 40, reserved: 7, overhead: 3 });
    expect(cut!.messages).toEqual([conversation[0], conversation[5], conversation[8]]);
    expect(cut).toMatchObject({ droppedTurns: 2, droppedMessages: 6, tokensAfter: 33 });
  });

  test("a latest turn with tool results is never split", () => {
    const agent: ChatMessage[] = [
      { role: "user", content: "old" },
      { role: "user", content: "run it" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_9", type: "function", function: { name: "run", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "call_9", content: "done" },
    ];
    const cut = truncateHistory(agent, tokensOf, { window: 35, reserved: 0, overhead: 0 });
    expect(cut!.messages).toEqual(agent.slice(1));
  });

  test("undefined when even the pinned messages and the latest turn do not fit", () => {
    expect(truncateHistory(conversation, tokensOf, { window: 32, reserved: 0, overhead: 3 })).toBeUndefined();
  });
});
