import { describe, expect, test } from "vitest";
import { parseAnthropicCostPage } from "./anthropic-cost-report";
import { decimalTextToPicos, jsonNumberToPicos } from "./exact-amount";
import { parseOpenAICostsPage } from "./openai-costs";

const day = (iso: string) => Date.parse(iso) / 1000;

describe("exact amounts", () => {
  test.each([
    ["0.06", 0, 60_000_000_000n],
    ["123.45", 2, 1_234_500_000_000n],
    ["-5", 2, -50_000_000_000n],
    ["0.0000000000005", 0, 1n],
    ["0.0000000000004", 0, 0n],
    ["1e-7", 0, 100_000n],
    ["2.5E3", 2, 25_000_000_000_000n],
    ["0.00000000000125", 2, 0n],
    ["0.00000000000150", 2, 0n],
    ["0.0000000001", 2, 1n],
  ])("%s shifted %i → %s picos", (text, shift, picos) => {
    expect(decimalTextToPicos(text, shift)).toBe(picos);
  });
  test("not numbers", () => {
    for (const text of ["", "1.2.3", "abc", "1,5", "0x10"]) expect(decimalTextToPicos(text)).toBeNull();
    expect(jsonNumberToPicos(Number.NaN)).toBeNull();
  });
  test("a JSON number keeps the decimal the provider wrote, not the double's binary value", () => {
    // 0.1 + 0.2 as a double is 0.30000000000000004; written by the provider as 0.3 it stays 0.3.
    expect(jsonNumberToPicos(JSON.parse("0.3"))).toBe(300_000_000_000n);
    expect(jsonNumberToPicos(JSON.parse("1234.567890123"))).toBe(1_234_567_890_123_000n);
    expect(jsonNumberToPicos(JSON.parse("0.30000000000000004"))).toBe(300_000_000_000n);
  });
});

describe("OpenAI organization costs", () => {
  const bucket = (iso: string, values: [number, string][]) => ({
    object: "bucket",
    start_time: day(iso),
    end_time: day(iso) + 86_400,
    results: values.map(([value, currency], index) => ({ object: "organization.costs.result", amount: { value, currency }, line_item: `item-${index}`, project_id: null })),
  });

  test("sums each day's line items in dollars and follows next_page", () => {
    const page = parseOpenAICostsPage({ object: "page", data: [bucket("2026-11-01T00:00:00Z", [[0.06, "usd"], [1.2, "usd"]]), bucket("2026-11-02T00:00:00Z", [])], has_more: true, next_page: "page_abc" });
    expect(page).toEqual({ ok: true, nextPage: "page_abc", days: [{ day: "2026-11-01", picos: 1_260_000_000_000n, lineItems: 2 }, { day: "2026-11-02", picos: 0n, lineItems: 0 }] });
    expect(parseOpenAICostsPage({ object: "page", data: [], has_more: false, next_page: null })).toEqual({ ok: true, nextPage: null, days: [] });
  });

  test("refuses another currency, a non-day bucket, has_more without a cursor and a drifted shape", () => {
    expect(parseOpenAICostsPage({ data: [bucket("2026-11-01T00:00:00Z", [[1, "usd"], [2, "eur"]])], has_more: false })).toEqual({ ok: false, error: expect.stringContaining("EUR") });
    expect(parseOpenAICostsPage({ data: [{ start_time: day("2026-11-01T00:00:00Z"), end_time: day("2026-11-01T01:00:00Z"), results: [] }], has_more: false })).toMatchObject({ ok: false });
    expect(parseOpenAICostsPage({ data: [], has_more: true, next_page: null })).toMatchObject({ ok: false });
    expect(parseOpenAICostsPage({ data: [{ start_time: "x" }], has_more: false })).toMatchObject({ ok: false });
    expect(parseOpenAICostsPage({ error: { message: "bad" } })).toMatchObject({ ok: false });
  });
});

describe("Anthropic cost report", () => {
  const bucket = (iso: string, amounts: [string, string][]) => ({
    starting_at: iso,
    ending_at: new Date(Date.parse(iso) + 86_400_000).toISOString().replace(".000", ""),
    results: amounts.map(([amount, currency]) => ({ amount, currency, cost_type: "tokens", description: "Claude Haiku 4.5 Usage - Input Tokens", model: "claude-haiku-4-5", token_type: "uncached_input_tokens", workspace_id: null, service_tier: "standard", context_window: "0-200k" })),
  });

  test("amounts are cents as decimal strings: 123.45 USD is $1.2345", () => {
    const page = parseAnthropicCostPage({ data: [bucket("2026-11-01T00:00:00Z", [["123.45", "USD"], ["0.000001", "USD"]])], has_more: true, next_page: "page_MjAyNS0wNS0xNFQwMDowMDowMFo=" });
    expect(page).toEqual({ ok: true, nextPage: "page_MjAyNS0wNS0xNFQwMDowMDowMFo=", days: [{ day: "2026-11-01", picos: 1_234_500_000_000n + 10_000n, lineItems: 2 }] });
  });

  test("refuses another currency, a float amount, a non-day bucket", () => {
    expect(parseAnthropicCostPage({ data: [bucket("2026-11-01T00:00:00Z", [["1", "EUR"]])], has_more: false, next_page: null })).toEqual({ ok: false, error: expect.stringContaining("EUR") });
    expect(parseAnthropicCostPage({ data: [{ ...bucket("2026-11-01T00:00:00Z", []), results: [{ amount: 12.5, currency: "USD" }] }], has_more: false })).toMatchObject({ ok: false });
    expect(parseAnthropicCostPage({ data: [{ starting_at: "2026-11-01T00:00:00Z", ending_at: "2026-11-01T01:00:00Z", results: [] }], has_more: false })).toMatchObject({ ok: false });
    expect(parseAnthropicCostPage({ data: [{ starting_at: "2026-11-01T05:00:00Z", ending_at: "2026-11-02T05:00:00Z", results: [] }], has_more: false })).toMatchObject({ ok: false });
  });
});
