import { describe, expect, test } from "vitest";
import { cacheHitRatio, costUsd, picosToDecimal, promptCacheSavingPicos } from "./pricing";

// Claude Sonnet 4.5 list prices: input $3, cache read $0.30, 5-minute cache write $3.75 per 1M tokens.
const sonnet = { id: "p", effectiveFrom: 0, inputPerMtok: "3.00", outputPerMtok: "15.00", cachedInputPerMtok: "0.30", cacheWritePerMtok: "3.75" };
const at = (list: typeof sonnet | undefined, discountPercent: string | null = null) => ({ list, orgPrice: undefined, discountPercent });
const saving = (usage: { inputTokens?: number; outputTokens?: number; cachedInputTokens?: number; cacheWriteTokens?: number }, price: typeof sonnet | undefined = sonnet, discount: string | null = null) =>
  promptCacheSavingPicos({ inputTokens: usage.inputTokens ?? 5000, outputTokens: usage.outputTokens ?? 0, cachedInputTokens: usage.cachedInputTokens, cacheWriteTokens: usage.cacheWriteTokens }, at(price, discount));

describe("prompt-cache savings", () => {
  test.each([
    // 2,000 cached tokens: 2000 × (3.00 − 0.30) / 1e6 = $0.0054
    [{ cachedInputTokens: 2000 }, "0.005400000000"],
    // 2,000 written: 2000 × (3.00 − 3.75) / 1e6 = −$0.0015 (the write premium)
    [{ cacheWriteTokens: 2000 }, "-0.001500000000"],
    // One token read at an odd price: exact to the picodollar
    [{ cachedInputTokens: 1 }, "0.000002700000"],
    [{ cachedInputTokens: 0, cacheWriteTokens: 0 }, "0.000000000000"],
  ])("%o saves %s", (usage, saved) => {
    expect(picosToDecimal(saving(usage))).toBe(saved);
  });

  test("saved + charged = what the same prompt costs uncached", () => {
    const usage = { inputTokens: 5000, outputTokens: 100, cachedInputTokens: 3000, cacheWriteTokens: 1500 };
    const charged = costUsd(usage, sonnet);
    const uncached = costUsd({ inputTokens: 5000, outputTokens: 100 }, sonnet);
    expect(charged).toBe("0.009525000000"); // 500×3 + 3000×0.30 + 1500×3.75 + 100×15, per 1M
    expect(uncached).toBe("0.016500000000");
    expect(picosToDecimal(saving(usage))).toBe("0.006975000000");
    // With a 10 % provider discount the saving is 10 % smaller too (both sides are discounted).
    expect(picosToDecimal(saving(usage, sonnet, "10"))).toBe("0.006277500000");
  });

  test("no cache prices (the provider bills cache tokens as input) or no price: nothing saved", () => {
    expect(saving({ cachedInputTokens: 1000 }, { ...sonnet, cachedInputPerMtok: null as unknown as string, cacheWritePerMtok: null as unknown as string })).toBe(0n);
    expect(promptCacheSavingPicos({ inputTokens: 5000, outputTokens: 0, cachedInputTokens: 1000 }, at(undefined))).toBe(0n);
  });

  test("hit ratio", () => {
    expect(cacheHitRatio({ inputTokens: 4000, cachedInputTokens: 3000 })).toBe(0.75);
    expect(cacheHitRatio({ inputTokens: 0 })).toBe(0);
  });
});
