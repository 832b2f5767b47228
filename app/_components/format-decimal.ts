const DECIMAL = /^(-?)(\d+)(?:\.(\d*))?$/;

/**
 * Rounds an exact decimal string (e.g. "0.000007350000") half-up to `maxDecimals` without going
 * through floats, trims trailing zeros down to `minDecimals`, and groups thousands.
 * Returns null when the input is not a plain decimal.
 */
export function formatDecimal(value: string, options: { maxDecimals: number; minDecimals?: number }): string | null {
  const match = DECIMAL.exec(value.trim());
  if (!match) return null;
  const [, sign, whole, fraction = ""] = match;
  const { maxDecimals, minDecimals = 0 } = options;
  const kept = fraction.padEnd(maxDecimals, "0").slice(0, maxDecimals);
  let scaled = BigInt(whole + kept);
  if (Number(fraction[maxDecimals] ?? "0") >= 5) scaled += BigInt(1);
  const digits = scaled.toString().padStart(maxDecimals + 1, "0");
  const integerPart = maxDecimals > 0 ? digits.slice(0, -maxDecimals) : digits;
  let fractionPart = maxDecimals > 0 ? digits.slice(-maxDecimals).replace(/0+$/, "") : "";
  fractionPart = fractionPart.padEnd(minDecimals, "0");
  const grouped = integerPart.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const isZero = scaled === BigInt(0);
  return `${sign && !isZero ? "-" : ""}${grouped}${fractionPart ? `.${fractionPart}` : ""}`;
}

function isNonZero(value: string): boolean {
  return /[1-9]/.test(value);
}

/**
 * US dollars from an exact decimal string: up to 8 decimals below $1 (so "0.000007350000" shows
 * as "$0.00000735"), 4 above, at least 2. Amounts too small to show become "<$0.00000001".
 */
export function formatUsd(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  const isSmall = /^-?0*(\.|$)/.test(value.trim());
  const formatted = formatDecimal(value, { maxDecimals: isSmall ? 8 : 4, minDecimals: 2 });
  if (formatted === null) return value;
  if (formatted.replace(/[-,.]/g, "").match(/^0+$/) && isNonZero(value)) return "<$0.00000001";
  return formatted.startsWith("-") ? `-$${formatted.slice(1)}` : `$${formatted}`;
}

/** Prices per 1M tokens (stored with 6 decimals): "$0.15", "$2.50", "$0.075". */
export function formatPrice(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  const formatted = formatDecimal(value, { maxDecimals: 6, minDecimals: 2 });
  return formatted === null ? value : `$${formatted}`;
}

/** Whether an exact decimal string is greater than zero. */
export function isPositiveDecimal(value: string): boolean {
  return !value.trim().startsWith("-") && isNonZero(value);
}
