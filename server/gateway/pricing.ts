import type { PriceEntry, Pricing } from "./config/config-source";
import type { Usage } from "./types";

/**
 * Exact cost arithmetic. Prices are decimal strings in dollars per 1M tokens with at most six
 * decimals; as integers of 1e-6 $/Mtok they are also picodollars per token, so
 * tokens × price is an exact integer of picodollars (1e-12 $), formatted as a decimal string.
 */
const SCALE = 6;

export function decimalToMicros(text: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`not a decimal: ${text}`);
  const [, sign, whole, fraction = ""] = match;
  if (fraction.replace(/0+$/, "").length > SCALE) throw new Error(`more than ${SCALE} decimals: ${text}`);
  const value = BigInt(whole) * 10n ** BigInt(SCALE) + BigInt(fraction.padEnd(SCALE, "0").slice(0, SCALE) || "0");
  return sign === "-" ? -value : value;
}

/** "0.000012345678" (a non-negative decimal, at most 12 places, as numeric(24,12) stores it) → picodollars. */
export function decimalToPicos(text: string): bigint {
  const [whole, fraction = ""] = text.trim().split(".");
  return BigInt(whole) * 10n ** 12n + BigInt(fraction.padEnd(12, "0").slice(0, 12) || "0");
}

/** Picodollars → "0.000012345678" (12 decimals, as stored in usage_ledger.cost_usd). */
export function picosToDecimal(picos: bigint): string {
  const negative = picos < 0n;
  const absolute = negative ? -picos : picos;
  const whole = absolute / 10n ** 12n;
  const fraction = (absolute % 10n ** 12n).toString().padStart(12, "0");
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

export type PriceRates = Pick<PriceEntry, "inputPerMtok" | "outputPerMtok" | "cachedInputPerMtok" | "cacheWritePerMtok"> & Partial<Pick<PriceEntry, "cacheWrite1hPerMtok">>;

export interface TokenMeter {
  name: "Input Tokens" | "Cached Input Tokens" | "Cache Write Tokens" | "Cache Write 1h Tokens" | "Output Tokens";
  tokens: bigint;
}

/** The token meters a request is charged on: plain input, cached input, cache writes (5m, then 1h), output. */
export function tokenMeters(usage: Usage): TokenMeter[] {
  const cachedTokens = BigInt(usage.cachedInputTokens ?? 0);
  const cacheWriteTokens = BigInt(usage.cacheWriteTokens ?? 0);
  const oneHour = BigInt(usage.cacheWrite1hTokens ?? 0);
  const cacheWrite1hTokens = oneHour > cacheWriteTokens ? cacheWriteTokens : oneHour;
  const plainInput = BigInt(Math.max(0, usage.inputTokens)) - cachedTokens - cacheWriteTokens;
  return [
    { name: "Input Tokens", tokens: plainInput > 0n ? plainInput : 0n },
    { name: "Cached Input Tokens", tokens: cachedTokens },
    { name: "Cache Write Tokens", tokens: cacheWriteTokens - cacheWrite1hTokens },
    { name: "Cache Write 1h Tokens", tokens: cacheWrite1hTokens },
    { name: "Output Tokens", tokens: BigInt(Math.max(0, usage.outputTokens)) },
  ];
}

/**
 * A meter's rate (dollars per 1M tokens as text): cached input and cache writes fall back to the input rate; 1-hour
 * cache writes to the cache-write rate (a price without its own 1h rate bills them as 5-minute writes, as before).
 */
export function meterRate(meter: TokenMeter["name"], price: PriceRates): string {
  switch (meter) {
    case "Input Tokens":
      return price.inputPerMtok;
    case "Cached Input Tokens":
      return price.cachedInputPerMtok ?? price.inputPerMtok;
    case "Cache Write Tokens":
      return price.cacheWritePerMtok ?? price.inputPerMtok;
    case "Cache Write 1h Tokens":
      return price.cacheWrite1hPerMtok ?? price.cacheWritePerMtok ?? price.inputPerMtok;
    case "Output Tokens":
      return price.outputPerMtok;
  }
}

/** Prices are a handful of decimal strings: each is parsed once, not on every reservation and settlement. */
const parsedRates = new Map<string, bigint>();

export function rateMicros(text: string): bigint {
  let micros = parsedRates.get(text);
  if (micros === undefined) {
    micros = decimalToMicros(text);
    if (parsedRates.size >= 10_000) parsedRates.clear();
    parsedRates.set(text, micros);
  }
  return micros;
}

export function costPicos(usage: Usage, price: PriceRates): bigint {
  return tokenMeters(usage).reduce((sum, meter) => sum + meter.tokens * rateMicros(meterRate(meter.name, price)), 0n);
}

/** A percentage with at most four decimals as an integer of 1e-4 %, so 100 % is 1,000,000. */
function percentUnits(percent: string): bigint {
  const match = /^(\d{1,3})(?:\.(\d{1,4}))?$/.exec(percent.trim());
  if (!match) throw new Error(`not a percentage: ${percent}`);
  const units = BigInt(match[1]) * 10_000n + BigInt((match[2] ?? "").padEnd(4, "0"));
  if (units > 1_000_000n) throw new Error(`more than 100 %: ${percent}`);
  return units;
}

/** picos less a discount of `percent` %, rounded half up to the picodollar (costs are never negative). */
export function discountedPicos(picos: bigint, percent: string | null): bigint {
  if (percent === null) return picos;
  return (picos * (1_000_000n - percentUnits(percent)) + 500_000n) / 1_000_000n;
}

export interface Charge {
  /** At the catalog price (at the org's price when the model has no catalog price). */
  listPicos: bigint;
  /** What the org pays: each meter at the org's price (else the catalog price), less the provider discount, rounded per meter. */
  costPicos: bigint;
}

/** The list and effective cost of a usage under a pricing (config-source.ts pricingAt); zero when unpriced. */
export function chargeOf(usage: Usage, pricing: Pricing): Charge {
  const contracted = pricing.orgPrice ?? pricing.list;
  if (!contracted) return { listPicos: 0n, costPicos: 0n };
  const list = pricing.list ?? contracted;
  let listPicos = 0n;
  let cost = 0n;
  for (const meter of tokenMeters(usage)) {
    listPicos += meter.tokens * rateMicros(meterRate(meter.name, list));
    cost += discountedPicos(meter.tokens * rateMicros(meterRate(meter.name, contracted)), pricing.discountPercent);
  }
  return { listPicos, costPicos: cost };
}

/** Cost in dollars as an exact decimal string, "0.000000000000" when unpriced. */
export function costUsd(usage: Usage, price: PriceEntry | undefined): string {
  return price ? picosToDecimal(costPicos(usage, price)) : picosToDecimal(0n);
}

/**
 * What provider prompt caching saved on a usage at its pricing (org price and discount included): the same usage with
 * every cached-read and cache-write token billed as plain input, less what it was charged. Negative when cache writes
 * (billed above the input price) outweighed reads; 0 when nothing touched a cache or the model bills them as input.
 */
export function promptCacheSavingPicos(usage: Usage, pricing: Pricing): bigint {
  if (!(usage.cachedInputTokens ?? 0) && !(usage.cacheWriteTokens ?? 0)) return 0n;
  return chargeOf({ ...usage, cachedInputTokens: 0, cacheWriteTokens: 0, cacheWrite1hTokens: 0 }, pricing).costPicos - chargeOf(usage, pricing).costPicos;
}

/** Share of the prompt read from the provider's cache (0 when there was no prompt). For display, not money. */
export function cacheHitRatio(usage: Pick<Usage, "inputTokens" | "cachedInputTokens">): number {
  return usage.inputTokens > 0 ? (usage.cachedInputTokens ?? 0) / usage.inputTokens : 0;
}
