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

interface PriceMicros {
  input: bigint;
  output: bigint;
  cached: bigint;
  cacheWrite: bigint;
}

/** A snapshot's price entries never change (a reload makes new ones): each is parsed once, not per request. */
const parsedPrices = new WeakMap<PriceEntry, PriceMicros>();

function priceMicros(price: PriceEntry): PriceMicros {
  let parsed = parsedPrices.get(price);
  if (!parsed) {
    const input = decimalToMicros(price.inputPerMtok);
    parsed = {
      input,
      output: decimalToMicros(price.outputPerMtok),
      cached: price.cachedInputPerMtok === null ? input : decimalToMicros(price.cachedInputPerMtok),
      cacheWrite: price.cacheWritePerMtok === null ? input : decimalToMicros(price.cacheWritePerMtok),
    };
    parsedPrices.set(price, parsed);
  }
  return parsed;
}

export function costPicos(usage: Usage, price: PriceEntry): bigint {
  const { input, output, cached, cacheWrite } = priceMicros(price);
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
