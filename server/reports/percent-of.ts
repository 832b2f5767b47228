/** variance / base × 100 with two decimals, rounded half away from zero, in integers only. */
export function percentOf(variance: bigint, base: bigint): string | null {
  if (base === 0n) return null;
  const negative = variance < 0n !== base < 0n && variance !== 0n;
  const numerator = (variance < 0n ? -variance : variance) * 10_000n;
  const denominator = base < 0n ? -base : base;
  const hundredths = (numerator * 2n + denominator) / (denominator * 2n);
  return `${negative && hundredths !== 0n ? "-" : ""}${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, "0")}`;
}
