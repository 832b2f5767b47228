import { describe, expect, test } from "vitest";
import type { PriceEntry } from "./config/config-source";
import { costUsd, decimalToMicros, picosToDecimal } from "./pricing";

const price = (input: string, output: string, cached: string | null = null, cacheWrite: string | null = null): PriceEntry => ({
  id: "p",
  effectiveFrom: 0,
  inputPerMtok: input,
  outputPerMtok: output,
  cachedInputPerMtok: cached,
  cacheWritePerMtok: cacheWrite,
});

describe("pricing", () => {
  test.each([
    ["0.15", 150_000n],
    ["0.150000", 150_000n],
    ["2.5", 2_500_000n],
    ["15", 15_000_000n],
    ["0.0375", 37_500n],
  ])("decimalToMicros(%s)", (text, micros) => expect(decimalToMicros(text)).toBe(micros));

  test("rejects more than six decimals and garbage", () => {
    expect(() => decimalToMicros("0.0000001")).toThrow();
    expect(() => decimalToMicros("1e-3")).toThrow();
  });

  test.each([
    // gpt-4o-mini: $0.15 in / $0.60 out per 1M; 21 in, 7 out → 3.15 µ$ + 4.2 µ$ = 0.00000735 $
    [{ inputTokens: 21, outputTokens: 7 }, price("0.15", "0.60"), "0.000007350000"],
    // cached: 8 of 21 at $0.075 → 13×0.15 + 8×0.075 + 7×0.6 = 1.95 + 0.6 + 4.2 = 6.75 µ$
    [{ inputTokens: 21, outputTokens: 7, cachedInputTokens: 8 }, price("0.15", "0.60", "0.075"), "0.000006750000"],
    // Anthropic-style cache write at 1.25× input: 10 plain×3 + 4 writes×3.75 + 5 out×15 = 30 + 15 + 75 = 120 µ$
    [{ inputTokens: 14, outputTokens: 5, cacheWriteTokens: 4 }, price("3", "15", "0.30", "3.75"), "0.000120000000"],
    // one token at $0.1/M is 0.1 µ$ = 100000 picodollars: no rounding to whole micro-dollars
    [{ inputTokens: 1, outputTokens: 0 }, price("0.1", "0.4"), "0.000000100000"],
    [{ inputTokens: 1_000_000, outputTokens: 1_000_000 }, price("1.25", "10"), "11.250000000000"],
  ])("costUsd %#", (usage, entry, expected) => expect(costUsd(usage, entry)).toBe(expected));

  test("unpriced is zero", () => expect(costUsd({ inputTokens: 5, outputTokens: 5 }, undefined)).toBe("0.000000000000"));
  test("formats negatives", () => expect(picosToDecimal(-1n)).toBe("-0.000000000001"));
});
