import { describe, expect, test } from "vitest";
import { pricingAt, type ModelEntry, type PriceEntry } from "./config/config-source";
import { chargeOf, costUsd, decimalToMicros, discountedPicos, picosToDecimal, promptCacheSavingPicos, tokenMeters } from "./pricing";

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

describe("org prices and provider discounts", () => {
  const model = (overrides: Partial<ModelEntry>): ModelEntry => ({
    id: "m",
    orgId: "o",
    name: "gpt-4o-mini",
    upstreamModel: "gpt-4o-mini",
    contextWindow: null,
    maxOutputTokens: null,
    region: null,
    createdAt: 0,
    connection: { id: "c", orgId: "o", kind: "openai", name: "OpenAI", baseUrl: "https://api.openai.com/v1", apiKey: "", trusted: true, region: null },
    prices: [{ ...price("0.15", "0.60"), id: "list-2", effectiveFrom: 2000 }, { ...price("0.30", "1.20"), id: "list-1", effectiveFrom: 0 }],
    ...overrides,
  });
  const usage = { inputTokens: 1000, outputTokens: 100, cachedInputTokens: 200 };

  test("the prices in force at the request's start: catalog, org price (and its end), discount", () => {
    const entry = model({
      orgPrices: [
        { id: "org-ended", effectiveFrom: 5000, inputPerMtok: null, outputPerMtok: null, cachedInputPerMtok: null, cacheWritePerMtok: null },
        { id: "org-1", effectiveFrom: 3000, inputPerMtok: "0.10", outputPerMtok: "0.40", cachedInputPerMtok: "0.05", cacheWritePerMtok: null },
      ],
      discounts: [{ id: "d-2", effectiveFrom: 4000, percent: "0" }, { id: "d-1", effectiveFrom: 2500, percent: "12.5" }],
    });
    expect(pricingAt(entry, 1000)).toMatchObject({ list: { id: "list-1" }, orgPrice: undefined, discountPercent: null });
    expect(pricingAt(entry, 2600)).toMatchObject({ list: { id: "list-2" }, orgPrice: undefined, discountPercent: "12.5" });
    expect(pricingAt(entry, 3500)).toMatchObject({ list: { id: "list-2" }, orgPrice: { id: "org-1" }, discountPercent: "12.5" });
    expect(pricingAt(entry, 4500)).toMatchObject({ orgPrice: { id: "org-1" }, discountPercent: null });
    expect(pricingAt(entry, 6000)).toMatchObject({ list: { id: "list-2" }, orgPrice: undefined, discountPercent: null });
  });

  test("list cost at the catalog price; effective cost per meter at the org price less the discount, rounded half up", () => {
    const pricing = pricingAt(
      model({
        orgPrices: [{ id: "org-1", effectiveFrom: 0, inputPerMtok: "0.10", outputPerMtok: "0.40", cachedInputPerMtok: "0.05", cacheWritePerMtok: null }],
        discounts: [{ id: "d", effectiveFrom: 0, percent: "12.5" }],
      }),
      3000,
    );
    const charge = chargeOf(usage, pricing);
    // list: 800 × 0.15 + 200 × 0.15 (no cached rate: input's) + 100 × 0.60 = 120 + 30 + 60 = 210 µ$ = 210,000,000 p$
    expect(picosToDecimal(charge.listPicos)).toBe("0.000210000000");
    // org: 800 × 0.10 = 80,000,000 p$; 200 × 0.05 = 10,000,000; 100 × 0.40 = 40,000,000; each × 0.875
    expect(picosToDecimal(charge.costPicos)).toBe("0.000113750000");
  });

  test.each([
    [10n, "33.3333", 7n], // 6.66667 → 7
    [3n, "50", 2n], // 1.5 → 2 (half up)
    [1_000_000n, "100", 0n],
    [1_000_000n, "0.0001", 999_999n],
    [123n, null, 123n],
  ])("discountedPicos(%s, %s) = %s", (picos, percent, expected) => expect(discountedPicos(picos, percent)).toBe(expected));

  test("refuses a discount over 100 % or with more than four decimals", () => {
    expect(() => discountedPicos(1n, "100.0001")).toThrow();
    expect(() => discountedPicos(1n, "1.00001")).toThrow();
  });

  test("a model without a catalog price is charged (and listed) at the org's price", () => {
    const pricing = pricingAt(model({ prices: [], orgPrices: [{ id: "org", effectiveFrom: 0, inputPerMtok: "1", outputPerMtok: "2", cachedInputPerMtok: null, cacheWritePerMtok: null }] }), 1);
    expect(chargeOf({ inputTokens: 1, outputTokens: 1 }, pricing)).toEqual({ listPicos: 3_000_000n, costPicos: 3_000_000n });
  });
});

describe("1-hour cache writes: their own meter", () => {
  // claude-sonnet-4-5: $3 in, $15 out, $0.30 cache read, $3.75 5m write (1.25x), $6 1h write (2x) per 1M tokens.
  const sonnet: PriceEntry = { ...price("3", "15", "0.30", "3.75"), cacheWrite1hPerMtok: "6" };
  const model = (overrides: Partial<ModelEntry>): ModelEntry => ({
    id: "m",
    orgId: "o",
    name: "claude-sonnet-4-5",
    upstreamModel: "claude-sonnet-4-5-20250929",
    contextWindow: null,
    maxOutputTokens: null,
    region: null,
    createdAt: 0,
    connection: { id: "c", orgId: "o", kind: "anthropic", name: "Anthropic", baseUrl: "https://api.anthropic.com/v1", apiKey: "", trusted: true, region: null },
    prices: [],
    ...overrides,
  });
  const usage = { inputTokens: 5_000, cachedInputTokens: 1_000, cacheWriteTokens: 3_000, cacheWrite1hTokens: 2_000, outputTokens: 100 };

  test("plain, read, 5m and 1h writes each at their rate, to the picodollar", () => {
    // $/1M tokens = µ$ a token: 1000 plain × 3 + 1000 read × 0.3 + 1000 5m × 3.75 + 2000 1h × 6 + 100 out × 15
    // = 3,000 + 300 + 3,750 + 12,000 + 1,500 µ$ = 0.020550 $
    expect(costUsd(usage, sonnet)).toBe("0.020550000000");
    expect(tokenMeters(usage).map((meter) => [meter.name, meter.tokens])).toEqual([
      ["Input Tokens", 1000n],
      ["Cached Input Tokens", 1000n],
      ["Cache Write Tokens", 1000n],
      ["Cache Write 1h Tokens", 2000n],
      ["Output Tokens", 100n],
    ]);
  });

  test("a price without a 1h rate bills 1h writes at the cache-write rate, then the input rate", () => {
    // 1000 × 3 + 1000 × 0.3 + 3000 × 3.75 + 100 × 15 = 3,000 + 300 + 11,250 + 1,500 µ$
    expect(costUsd(usage, price("3", "15", "0.30", "3.75"))).toBe("0.016050000000");
    // No cache prices at all: every prompt token at $3.
    expect(costUsd(usage, price("3", "15"))).toBe("0.016500000000");
  });

  test("odd token counts stay exact: 1 token at $6.000001", () => {
    expect(costUsd({ inputTokens: 1, cacheWriteTokens: 1, cacheWrite1hTokens: 1, outputTokens: 0 }, { ...price("3", "15"), cacheWrite1hPerMtok: "6.000001" })).toBe("0.000006000001");
  });

  test("1h tokens are never counted beyond the writes reported", () => {
    expect(tokenMeters({ inputTokens: 10, cacheWriteTokens: 4, cacheWrite1hTokens: 9, outputTokens: 0 }).map((meter) => meter.tokens)).toEqual([6n, 0n, 0n, 4n, 0n]);
  });

  test("the org's own 1h rate wins, less the discount; the list cost keeps the catalog's", () => {
    const pricing = pricingAt(
      model({
        prices: [sonnet],
        orgPrices: [{ id: "org", effectiveFrom: 0, inputPerMtok: "3", outputPerMtok: "15", cachedInputPerMtok: "0.30", cacheWritePerMtok: "3.75", cacheWrite1hPerMtok: "5" }],
        discounts: [{ id: "d", effectiveFrom: 0, percent: "10" }],
      }),
      1,
    );
    // list: 0.02055 $; org: the 1h meter at $5 → 10,000 µ$ instead of 12,000, total 18,550 µ$, less 10 % per meter.
    expect(chargeOf(usage, pricing)).toEqual({ listPicos: 20_550_000_000n, costPicos: 16_695_000_000n });
  });

  test("the prompt-cache saving counts 1h writes at their price", () => {
    const pricing = pricingAt(model({ prices: [sonnet] }), 1);
    // As plain input: 5000 × 3 + 100 × 15 = 16,500 µ$; charged 20,550 µ$ → a saving of −4,050 µ$.
    expect(promptCacheSavingPicos(usage, pricing)).toBe(-4_050_000_000n);
  });
});
