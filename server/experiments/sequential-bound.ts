/**
 * Repeated looks (README "A/B experiments"): the readout is an O'Brien–Fleming group-sequential design with K = 5
 * looks at equal information fractions (20 %, 40 %, … 100 % of the planned per-arm sample). At look k the two-sided
 * critical value is C·√(K/k) with C = C_B(5, 0.05) = 2.040 (Jennison & Turnbull, "Group Sequential Methods with
 * Applications to Clinical Trials", 2000, Table 2.3), which keeps the overall false-positive rate at 5 % however
 * often the page is read. The planned sample is inflated by R_B(5, 0.05, 0.2) = 1.028 (ibid., Table 2.4) over the
 * fixed-sample size. Before the first look (under 20 %) nothing is declared.
 */
export const LOOKS = 5;
export const OBRIEN_FLEMING_CONSTANT = 2.04;
export const SEQUENTIAL_INFLATION = 1.028;

/** The look reached at this information fraction (0 = none yet), and its critical |z|. */
export function sequentialBound(informationFraction: number): { look: number; critical: number } {
  const look = Math.min(LOOKS, Math.floor(informationFraction * LOOKS + 1e-9));
  return { look, critical: look === 0 ? Infinity : OBRIEN_FLEMING_CONSTANT * Math.sqrt(LOOKS / look) };
}
