/**
 * Repeated looks (README "A/B experiments"): significance is judged against an O'Brien–Fleming boundary. For K = 5
 * equally spaced looks the two-sided critical value at information fraction t = k/K is C/√t with
 * C = C_B(5, 0.05) = 2.040 (Jennison & Turnbull, "Group Sequential Methods with Applications to Clinical Trials",
 * 2000, Table 2.3), which keeps the overall false-positive rate at 5 % over the looks. The readout may be read at
 * any time, so the boundary is evaluated on the same curve C/√t at the current fraction t = n / planned n (the
 * Lan–DeMets idea of spending α by information, here with the O'Brien–Fleming shape); past the planned sample it
 * stays at C. The planned sample is inflated by R_B(5, 0.05, 0.2) = 1.028 (ibid., Table 2.4). `look` is the last
 * of the five planned looks passed (0 before 20 %), for display.
 */
export const LOOKS = 5;
export const OBRIEN_FLEMING_CONSTANT = 2.04;
export const SEQUENTIAL_INFLATION = 1.028;

/** The critical |z| at this information fraction, and the planned look passed (0 = none yet). */
export function sequentialBound(informationFraction: number): { look: number; critical: number } {
  const fraction = Math.min(1, Math.max(0, informationFraction));
  const look = Math.floor(fraction * LOOKS + 1e-9);
  return { look, critical: fraction === 0 ? Infinity : OBRIEN_FLEMING_CONSTANT / Math.sqrt(fraction) };
}
