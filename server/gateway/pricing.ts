import type { PriceEntry } from "./config/config-source";
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

export function costPicos(usage: Usage, price: PriceEntry): bigint {
  const input = decimalToMicros(price.inputPerMtok);
  const output = decimalToMicros(price.outputPerMtok);
  const cached = price.cachedInputPerMtok === null ? input : decimalToMicros(price.cachedInputPerMtok);
  const cacheWrite = price.cacheWritePerMtok === null ? input : decimalToMicros(price.cacheWritePerMtok);
  const cachedTokens = BigInt(usage.cachedInputTokens ?? 0);
  const cacheWriteTokens = BigInt(usage.cacheWriteTokens ?? 0);
  const plainInput = BigInt(Math.max(0, usage.inputTokens)) - cachedTokens - cacheWriteTokens;
  return (
    (plainInput > 0n ? plainInput : 0n) * input + cachedTokens * cached + cacheWriteTokens * cacheWrite + BigInt(Math.max(0, usage.outputTokens)) * output
  );
}

/** Cost in dollars as an exact decimal string, "0.000000000000" when unpriced. */
export function costUsd(usage: Usage, price: PriceEntry | undefined): string {
  return price ? picosToDecimal(costPicos(usage, price)) : picosToDecimal(0n);
}

/**
 * What provider prompt caching saved on one request, in picodollars: the cached and cache-written tokens at the plain
 * input price minus what they cost at their own prices. Negative when cache writes (priced above input) outweigh the
 * reads. Zero without a price or without cache prices.
 */
export function cacheSavingsPicos(usage: Pick<Usage, "cachedInputTokens" | "cacheWriteTokens">, price: Pick<PriceEntry, "inputPerMtok" | "cachedInputPerMtok" | "cacheWritePerMtok"> | undefined): bigint {
  if (!price) return 0n;
  const input = decimalToMicros(price.inputPerMtok);
  const cached = price.cachedInputPerMtok === null ? input : decimalToMicros(price.cachedInputPerMtok);
  const cacheWrite = price.cacheWritePerMtok === null ? input : decimalToMicros(price.cacheWritePerMtok);
  return BigInt(usage.cachedInputTokens ?? 0) * (input - cached) + BigInt(usage.cacheWriteTokens ?? 0) * (input - cacheWrite);
}

/** Share of the prompt read from the provider's cache (0 when there was no prompt). For display, not money. */
export function cacheHitRatio(usage: Pick<Usage, "inputTokens" | "cachedInputTokens">): number {
  return usage.inputTokens > 0 ? (usage.cachedInputTokens ?? 0) / usage.inputTokens : 0;
}
