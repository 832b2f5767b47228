import { describe, expect, test } from "vitest";
import { completeUsage, estimatePromptTokens, estimateTextTokens } from "./estimate-tokens";

describe("token estimates", () => {
  test("counts text with o200k_base", async () => {
    expect(await estimateTextTokens("Hello from the fake provider.")).toBe(6);
    expect(await estimateTextTokens("")).toBe(0);
  });
  test("prompt framing: 3 per message + 3 for the reply", async () => {
    const tokens = await estimatePromptTokens({ model: "m", messages: [{ role: "user", content: "Hello from the fake provider." }] });
    expect(tokens).toBe(6 + 3 + 3);
  });
  test("reported usage wins and is not marked estimated", async () => {
    const result = await completeUsage({ inputTokens: 21, outputTokens: 7 }, undefined, "ignored");
    expect(result).toEqual({ usage: { inputTokens: 21, outputTokens: 7 }, estimated: false });
  });
  test("missing usage is estimated from the request and the produced text", async () => {
    const result = await completeUsage(undefined, { model: "m", messages: [{ role: "user", content: "Hello from the fake provider." }] }, "Hello from");
    expect(result.estimated).toBe(true);
    expect(result.usage).toEqual({ inputTokens: 12, outputTokens: 2 });
  });
});
