import { describe, expect, test } from "vitest";
import { sequentialBound } from "./sequential-bound";
import { relativeDifference, sampleSizeForMeans, sampleSizeForProportions, twoProportionZTest, welchTTest, type Sample } from "./statistics";

function summarize(values: number[]): Sample {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance, count: values.length };
}

describe("Welch's t-test", () => {
  // Wikipedia, "Welch's t-test", Examples (example 1): two samples of 15 with unequal variances;
  // Welch: t = −2.46, ν ≈ 25.0, p = 0.021 (the article's rounding).
  test("Wikipedia's example 1", () => {
    const a1 = summarize([27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]);
    const a2 = summarize([27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]);
    const result = welchTTest(a2, a1)!;
    expect(result.statistic).toBeCloseTo(-2.46, 2);
    expect(result.degreesOfFreedom).toBeCloseTo(25.0, 0);
    expect(result.pValue).toBeCloseTo(0.021, 3);
  });

  // senseofstudy.com, "Two-Sample Tests", example 4: n = 20, x̄ = 100, s = 15 against n = 20, x̄ = 95, s = 20:
  // t ≈ 0.895, df ≈ 35.2, not significant at 5 %.
  test("a worked example from summary statistics", () => {
    const result = welchTTest({ mean: 95, variance: 400, count: 20 }, { mean: 100, variance: 225, count: 20 })!;
    expect(result.statistic).toBeCloseTo(0.894, 2);
    expect(result.degreesOfFreedom).toBeCloseTo(35.2, 1);
    expect(result.pValue).toBeGreaterThan(0.05);
  });

  test("needs two observations in each arm", () => {
    expect(welchTTest({ mean: 1, variance: 0, count: 1 }, { mean: 2, variance: 1, count: 5 })).toBeNull();
  });
});

describe("two-proportion z-test (pooled)", () => {
  // A worked textbook exercise (homeworksource.com/p/1008622): 140 of 200 against 255 of 340:
  // pooled p = 0.7314815, SE = 0.03949401, z = −1.266015. (Its one-tailed p = 0.1030 reads t with 538 df; the
  // normal table gives Φ(−1.27) = 0.1020, so the z-test's two-sided p is ≈ 0.2055.)
  test("140/200 against 255/340", () => {
    const result = twoProportionZTest({ successes: 255, trials: 340 }, { successes: 140, trials: 200 })!;
    expect(result.statistic).toBeCloseTo(-1.266015, 5);
    expect(result.pValue).toBeCloseTo(0.2055, 3);
  });

  test("no variance, no test", () => {
    expect(twoProportionZTest({ successes: 0, trials: 50 }, { successes: 0, trials: 50 })).toBeNull();
    expect(twoProportionZTest({ successes: 0, trials: 0 }, { successes: 1, trials: 5 })).toBeNull();
  });
});

describe("sample sizes", () => {
  // Fleiss, "Statistical Methods for Rates and Proportions" (formula without continuity correction):
  // 10 % against 15 %, α = 0.05 two-sided, power 80 %: 686 per group.
  test("two proportions", () => {
    expect(sampleSizeForProportions(0.1, 0.15)).toBe(686);
  });

  // Lehr's rule (van Belle, "Statistical Rules of Thumb", rule 2.3): n ≈ 16 / Δ² per group for a standardized
  // difference Δ at α = 0.05 two-sided, 80 % power: Δ = 0.5 → 63 by the exact normal formula (16 / 0.25 = 64).
  test("two means", () => {
    expect(sampleSizeForMeans(0.5, 1)).toBe(63);
    expect(sampleSizeForMeans(1, 1)).toBe(16);
  });
});

describe("relative difference (delta method)", () => {
  test("a variant 20 % cheaper with tight data has a CI around −20 %", () => {
    const result = relativeDifference({ mean: 10, variance: 1, count: 400 }, { mean: 8, variance: 1, count: 400 })!;
    expect(result.estimate).toBeCloseTo(-0.2, 10);
    // SE = 0.8 × √(1/(400·100) + 1/(400·64)) = 0.006403; × 1.959964
    expect(result.high - result.estimate).toBeCloseTo(0.01255, 4);
    expect(result.low).toBeLessThan(result.estimate);
  });
});

describe("O'Brien–Fleming bound, K = 5 (Jennison & Turnbull 2000, Table 2.3: C_B(5, 0.05) = 2.040)", () => {
  test.each([
    [0, 0, Infinity],
    [0.1, 0, 2.04 * Math.sqrt(10)],
    [0.2, 1, 2.04 * Math.sqrt(5)],
    [0.6, 3, 2.04 * Math.sqrt(5 / 3)],
    [1, 5, 2.04],
    [3, 5, 2.04],
  ])("information %f → look %i", (fraction, look, critical) => {
    const bound = sequentialBound(fraction);
    expect(bound.look).toBe(look);
    expect(bound.critical).toBeCloseTo(critical, 6);
  });
});
