import { jStat } from "jstat";

/**
 * The significance tests behind an experiment's readout (README "A/B experiments"), on summary statistics from the
 * ledger and feedback tables. Distributions come from jStat (normal and Student's t CDFs and quantiles); only the
 * textbook formulas around them are written here, and statistics.test.ts checks them against worked examples.
 */
export interface Proportion {
  successes: number;
  trials: number;
}

export interface Sample {
  mean: number;
  /** Sample variance (n − 1 in the denominator). */
  variance: number;
  count: number;
}

export interface TestResult {
  statistic: number;
  /** Two-sided. */
  pValue: number;
  /** Welch–Satterthwaite degrees of freedom (t tests only). */
  degreesOfFreedom?: number;
}

const normalQuantile = (p: number) => jStat.normal.inv(p, 0, 1);
export const normalCdf = (x: number) => jStat.normal.cdf(x, 0, 1);

/** Two-proportion z-test with the pooled proportion under H0: p1 = p2. */
export function twoProportionZTest(control: Proportion, treatment: Proportion): TestResult | null {
  if (control.trials === 0 || treatment.trials === 0) return null;
  const pooled = (control.successes + treatment.successes) / (control.trials + treatment.trials);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / control.trials + 1 / treatment.trials));
  if (standardError === 0) return null;
  const statistic = (treatment.successes / treatment.trials - control.successes / control.trials) / standardError;
  return { statistic, pValue: 2 * (1 - normalCdf(Math.abs(statistic))) };
}

/** Welch's unequal-variances t-test of treatment − control, with Welch–Satterthwaite degrees of freedom. */
export function welchTTest(control: Sample, treatment: Sample): TestResult | null {
  if (control.count < 2 || treatment.count < 2) return null;
  const [a, b] = [control.variance / control.count, treatment.variance / treatment.count];
  if (a + b === 0) return null;
  const statistic = (treatment.mean - control.mean) / Math.sqrt(a + b);
  const degreesOfFreedom = (a + b) ** 2 / (a ** 2 / (control.count - 1) + b ** 2 / (treatment.count - 1));
  return { statistic, degreesOfFreedom, pValue: 2 * (1 - jStat.studentt.cdf(Math.abs(statistic), degreesOfFreedom)) };
}

/**
 * The relative difference treatment / control − 1 with a confidence interval by the delta method:
 * Var(m_T / m_C) ≈ R² (Var(m_T) / m_T² + Var(m_C) / m_C²). Null when the control's mean is 0.
 */
export function relativeDifference(control: Sample, treatment: Sample, level = 0.95): { estimate: number; low: number; high: number } | null {
  if (control.mean === 0 || control.count === 0 || treatment.count === 0) return null;
  const ratio = treatment.mean / control.mean;
  const relativeVariance = control.variance / control.count / control.mean ** 2 + (treatment.mean === 0 ? 0 : treatment.variance / treatment.count / treatment.mean ** 2);
  const half = normalQuantile(1 - (1 - level) / 2) * Math.abs(ratio) * Math.sqrt(relativeVariance);
  return { estimate: ratio - 1, low: ratio - 1 - half, high: ratio - 1 + half };
}

/** A proportion as a sample of 0/1 values (for relativeDifference). */
export function proportionSample({ successes, trials }: Proportion): Sample {
  const p = trials === 0 ? 0 : successes / trials;
  return { mean: p, variance: trials < 2 ? 0 : (p * (1 - p) * trials) / (trials - 1), count: trials };
}

/** Per-arm sample size to tell p1 from p2 (Fleiss' formula without continuity correction), two-sided. */
export function sampleSizeForProportions(p1: number, p2: number, alpha = 0.05, power = 0.8): number {
  if (p1 === p2) return Infinity;
  const [zAlpha, zBeta] = [normalQuantile(1 - alpha / 2), normalQuantile(power)];
  const mean = (p1 + p2) / 2;
  const numerator = zAlpha * Math.sqrt(2 * mean * (1 - mean)) + zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return Math.ceil(numerator ** 2 / (p1 - p2) ** 2);
}

/** Per-arm sample size to detect a difference `delta` of means with standard deviation `sd`, two-sided (normal approximation). */
export function sampleSizeForMeans(delta: number, sd: number, alpha = 0.05, power = 0.8): number {
  if (delta === 0) return Infinity;
  return Math.ceil((2 * (normalQuantile(1 - alpha / 2) + normalQuantile(power)) ** 2 * sd ** 2) / delta ** 2);
}
