/**
 * Exact money from providers' cost APIs, never through float arithmetic. OpenAI sends `amount.value` as a JSON
 * number: JSON.parse has already made it a double, and String() of a double is the shortest decimal that reads back
 * as the same double, which is the decimal the provider wrote for any amount of up to 15 significant digits (both
 * sides print the shortest round-trip form). Anthropic sends a decimal string in cents. Both become picodollars
 * (bigint), rounded half away from zero past the 12th decimal.
 */
const decimalPattern = /^(-)?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** A decimal text (optionally with an exponent) divided by 10^shift, in picodollars; null when it is not a number. */
export function decimalTextToPicos(text: string, shift = 0): bigint | null {
  const match = decimalPattern.exec(text.trim());
  if (!match) return null;
  const [, minus, whole, fraction = "", exponentText = "0"] = match;
  const exponent = Number(exponentText);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 400) return null;
  const digits = BigInt(`${whole}${fraction}`);
  // value = digits × 10^(exponent − fraction.length − shift); in picos × 10^12.
  const power = 12 + exponent - fraction.length - shift;
  let picos: bigint;
  if (power >= 0) picos = digits * 10n ** BigInt(power);
  else {
    const divisor = 10n ** BigInt(-power);
    picos = (digits * 2n + divisor) / (divisor * 2n);
  }
  return minus && picos !== 0n ? -picos : picos;
}

/** A JSON number (already a double) as exact picodollars of its shortest decimal form; null for NaN/Infinity. */
export function jsonNumberToPicos(value: number): bigint | null {
  if (!Number.isFinite(value)) return null;
  return decimalTextToPicos(String(value));
}
