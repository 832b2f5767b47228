import { describe, expect, test } from "vitest";
import type { ModelEntry } from "../config/config-source";
import type { ChatRequest } from "../types";
import { countPromptTokens, tokenCounterFor, tokenFamilyOf, upperBoundTokens } from "./count-prompt";

const model = (kind: string, upstreamModel: string) => ({ upstreamModel, connection: { kind } }) as unknown as ModelEntry;

describe("tokenFamilyOf", () => {
  test.each([
    ["openai", "gpt-4o-mini", "o200k_base"],
    ["openai", "gpt-4.1", "o200k_base"],
    ["openai", "o3-mini", "o200k_base"],
    ["openai", "gpt-5", "o200k_base"],
    ["openai", "gpt-4", "cl100k_base"],
    ["openai", "gpt-4-turbo", "cl100k_base"],
    ["openai", "gpt-3.5-turbo", "cl100k_base"],
    ["azure", "gpt-4o", "o200k_base"],
    ["openrouter", "openai/gpt-4o", "o200k_base"],
    ["anthropic", "claude-haiku-4-5-20251001", "estimate"],
    ["gemini", "gemini-2.5-flash", "estimate"],
    ["mistral", "mistral-large-latest", "estimate"],
  ])("%s %s → %s", (kind, upstream, family) => {
    expect(tokenFamilyOf(model(kind, upstream))).toBe(family);
  });
});

describe("counting", () => {
  const request: Pick<ChatRequest, "messages" | "tools"> = {
    messages: [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: "Hello world, how are you today?" },
    ],
  };

  test("o200k_base counts the tokenizer's tokens plus OpenAI's framing (3 a message, 3 for the reply)", async () => {
    const counter = await tokenCounterFor("o200k_base");
    expect(counter.text("Hello world")).toBe(2);
    expect(countPromptTokens(request, counter)).toBe(counter.text("You are a helpful assistant.") + counter.text("Hello world, how are you today?") + 2 * 3 + 3);
  });

  test("cl100k_base is its own encoding", async () => {
    const [cl100k, o200k] = [await tokenCounterFor("cl100k_base"), await tokenCounterFor("o200k_base")];
    const text = "नमस्ते दुनिया, आप कैसे हैं?";
    expect(cl100k.text(text)).not.toBe(o200k.text(text));
  });

  test("other families count o200k_base × 1.2, rounded up", async () => {
    const [estimate, o200k] = [await tokenCounterFor("estimate"), await tokenCounterFor("o200k_base")];
    const text = "The quick brown fox jumps over the lazy dog. ".repeat(20);
    expect(estimate.text(text)).toBe(Math.ceil((o200k.text(text) * 6) / 5));
  });

  test("the byte bound is never below any family's count", async () => {
    const long: Pick<ChatRequest, "messages" | "tools"> = { messages: [{ role: "user", content: "ab 12 ☃ ".repeat(500) }, { role: "assistant", content: "ok" }] };
    for (const family of ["o200k_base", "cl100k_base", "estimate"] as const) {
      expect(upperBoundTokens(long)).toBeGreaterThanOrEqual(countPromptTokens(long, await tokenCounterFor(family)));
    }
  });
});
