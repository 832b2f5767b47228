/** A part's share of a whole, both exact decimal strings (12 places at most), as "12.3%", without floats in the division. */
export function decimalShare(part: string, whole: string): string {
  const toPicos = (text: string) => {
    const [integer, fraction = ""] = text.trim().split(".");
    return BigInt(integer) * 10n ** 12n + BigInt(fraction.padEnd(12, "0").slice(0, 12) || "0");
  };
  const total = toPicos(whole);
  if (total === 0n) return "—";
  const tenths = (toPicos(part) * 1000n + total / 2n) / total;
  return `${tenths / 10n}.${tenths % 10n}%`;
}
