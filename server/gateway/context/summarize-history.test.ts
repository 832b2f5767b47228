import { describe, expect, test } from "vitest";
import type { ChatMessage } from "../types";
import { summarizeHistory, type SummarizeOptions } from "./summarize-history";
import { createMemorySummaryStore } from "./summary-store";

const turn = (question: string, answer: string): ChatMessage[] => [
  { role: "user", content: question },
  { role: "assistant", content: answer },
];
// 1 system message + 6 turns of 2 messages + the latest question; each message 100 tokens.
const history: ChatMessage[] = [{ role: "system", content: "Be brief." }, ...[1, 2, 3, 4, 5, 6].flatMap((n) => turn(`question ${n}`, `answer ${n}`)), { role: "user", content: "latest" }];

function options(overrides: Partial<SummarizeOptions> = {}): SummarizeOptions & { calls: { transcript: string; previous?: string }[] } {
  const calls: { transcript: string; previous?: string }[] = [];
  let written = 0;
  return {
    orgId: "org-1",
    summarizeModel: "cheap",
    // 1,400 tokens of messages; the window leaves 900 after the answer.
    budget: { window: 1000, reserved: 100, overhead: 0 },
    tokensOf: () => 100,
    tokensOfText: () => 50,
    store: createMemorySummaryStore(),
    calls,
    summarize: async (transcript, previous) => {
      calls.push({ transcript, previous });
      return { ok: true, value: { requestId: `child-${++written}`, text: `summary ${written}`, picos: 1_500_000n } };
    },
    ...overrides,
  };
}

describe("summarizeHistory", () => {
  test("older turns become one system summary after the pinned messages; the latest turn stays verbatim", async () => {
    const setup = options();
    const result = await summarizeHistory(history, setup);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { messages } = result.value;
    expect(messages[0]).toEqual(history[0]);
    expect(messages[1]).toMatchObject({ role: "system", content: expect.stringContaining("summary 1") });
    expect(messages.at(-1)).toEqual({ role: "user", content: "latest" });
    // Room after the summary allowance: 900 - 100 (system) - 1024 < 0, so only the latest turn is kept verbatim.
    expect(result.value).toMatchObject({ cached: false, requestId: "child-1", picos: 1_500_000n, summarizedMessages: 12, tokensBefore: 1400, tokensAfter: 100 + 53 + 100 });
    expect(setup.calls[0].transcript).toContain("user: question 1");
    expect(setup.calls[0].transcript).toContain("assistant: answer 6");
  });

  test("the next turn of the conversation reuses the stored summary without a new request", async () => {
    const setup = options();
    await summarizeHistory(history, setup);
    const next = [...history, { role: "assistant", content: "latest answer" } as ChatMessage, { role: "user", content: "follow-up" } as ChatMessage];
    const result = await summarizeHistory(next, setup);
    expect(setup.calls).toHaveLength(1);
    expect(result.ok && result.value).toMatchObject({ cached: true, requestId: "child-1", picos: 0n, summarizedMessages: 12 });
    expect(result.ok && result.value.messages.map((message) => message.content)).toEqual(["Be brief.", expect.stringContaining("summary 1"), "latest", "latest answer", "follow-up"]);
  });

  test("when the stored summary no longer makes it fit, the turns after it are summarized with it (incremental)", async () => {
    const setup = options();
    await summarizeHistory(history, setup);
    const longer = [...history, ...turn("q7", "a7"), ...turn("q8", "a8"), ...turn("q9", "a9"), { role: "user", content: "newest" } as ChatMessage];
    const result = await summarizeHistory(longer, setup);
    expect(setup.calls).toHaveLength(2);
    expect(setup.calls[1].previous).toBe("summary 1");
    expect(setup.calls[1].transcript).toContain("user: latest");
    expect(setup.calls[1].transcript).not.toContain("question 1");
    expect(result.ok && result.value).toMatchObject({ cached: false, requestId: "child-2" });
  });

  test("a summary differs by model: another summarizer does not reuse it", async () => {
    const store = createMemorySummaryStore();
    await summarizeHistory(history, options({ store }));
    const other = options({ store, summarizeModel: "other" });
    await summarizeHistory(history, other);
    expect(other.calls).toHaveLength(1);
  });

  test.each([
    ["a single turn", [{ role: "user", content: "only" }] as ChatMessage[]],
    ["a latest turn larger than the window", [...turn("a", "b"), { role: "user", content: "x" }] as ChatMessage[]],
  ])("%s is context_length_exceeded", async (_, messages) => {
    const setup = options({ tokensOf: (index) => (index === messages.length - 1 ? 5000 : 100) });
    const result = await summarizeHistory(messages, setup);
    expect(result).toMatchObject({ ok: false, error: { code: "context_length_exceeded", param: "messages" } });
  });

  test("a failed summary request is the answer's error", async () => {
    const setup = options({ summarize: async () => ({ ok: false, error: { kind: "rate_limited" } as never }) });
    expect(await summarizeHistory(history, setup)).toMatchObject({ ok: false, error: { kind: "rate_limited" } });
  });
});
