import { describe, expect, test } from "vitest";
import type { VariantMetricsRow } from "@/db/queries/experiments";
import { pickVariant } from "@/server/gateway/experiments/assign-variant";
import { nextSplit, probabilityBest, splitPercents } from "./thompson";

/** mulberry32: a small seeded uniform generator, so every draw below is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const metrics = (variant: string, requests: number, errors: number): VariantMetricsRow => ({
  variant, requests, errors, cost_usd: "0", cost_mean: null, cost_variance: null, successes: requests - errors, latency_mean: null, latency_variance: null, latency_p50: null, latency_p95: null,
  ttft_p50: null, ttft_p95: null, thumbs_up: 0, thumbs: 0, tasks_completed: 0, tasks: 0, score_mean: null, score_variance: null, scores: 0,
});

describe("splitPercents", () => {
  test.each([
    [[0.5, 0.5], [true, true], 10, [50, 50]],
    [[1, 0], [true, true], 10, [90, 10]],
    [[0.2, 0.3, 0.5], [true, true, true], 10, [24, 31, 45]],
    [[0.3, 0.7, 0], [true, true, false], 10, [34, 66, 0]],
    [[0, 0], [true, true], 10, [50, 50]],
    [[1 / 3, 1 / 3, 1 / 3], [true, true, true], 0, [34, 33, 33]],
  ])("%j (active %j, min %i %%) → %j", (weights, active, minShare, expected) => {
    const split = splitPercents(weights, active, minShare);
    expect(split).toEqual(expected);
    expect(split.reduce((sum, value) => sum + value, 0)).toBe(100);
  });
});

describe("probabilityBest", () => {
  test("equal evidence is a coin toss; a clear winner takes nearly every draw (seeded, so exact)", () => {
    const even = probabilityBest([{ successes: 50, trials: 100 }, { successes: 50, trials: 100 }], { random: seeded(1), draws: 4000 });
    expect(even[0]).toBeGreaterThan(0.45);
    expect(even[0]).toBeLessThan(0.55);
    const clear = probabilityBest([{ successes: 40, trials: 100 }, { successes: 70, trials: 100 }], { random: seeded(2), draws: 4000 });
    expect(clear[1]).toBeGreaterThan(0.99);
    expect(probabilityBest([{ successes: 40, trials: 100 }, { successes: 70, trials: 100 }], { random: seeded(2), draws: 4000 })).toEqual(clear);
  });

  test("matches the closed form: P(X > Y) = 5/6 for X ~ Beta(2, 1), Y ~ Beta(1, 2)", () => {
    // A has 1 success in 1 trial (Beta(2, 1)), B 0 in 1 (Beta(1, 2)); P(A > B) = 5/6.
    const [a] = probabilityBest([{ successes: 1, trials: 1 }, { successes: 0, trials: 1 }], { random: seeded(3), draws: 20_000 });
    expect(a).toBeCloseTo(5 / 6, 2);
  });
});

describe("nextSplit", () => {
  const row = (weights: number[], events: { variant: string; type: "rollback" }[] = []) => ({
    variants: weights.map((weight, index) => ({ name: ["control", "b", "c"][index], weight, target: "m" })),
    events: events.map((event) => ({ ...event, at: "", by: "guardrail", reason: "" })),
    bandit: { reward: "success" as const, min_share: 10 },
  });

  test("a rolled-back variant stays at 0 %; the split and its reason name every variant", () => {
    const split = nextSplit(row([40, 30, 30], [{ variant: "c", type: "rollback" }]), [metrics("control", 200, 100), metrics("b", 200, 20), metrics("c", 200, 0)], { random: seeded(4), draws: 2000 })!;
    expect(split.weights).toEqual([10, 90, 0]);
    expect(split.reason).toBe("thompson sampling on success: control 40 → 10 %, b 30 → 90 %, c 30 → 0 % (control 100/200, P(best) 0.00; b 180/200, P(best) 1.00; c 200/200, P(best) 0.00)");
  });

  test("no change, no new split; no bandit, nothing", () => {
    expect(nextSplit(row([10, 90]), [metrics("control", 200, 100), metrics("b", 200, 20)], { random: seeded(5), draws: 2000 })).toBeNull();
    expect(nextSplit({ ...row([50, 50]), bandit: null }, [])).toBeNull();
  });

  test("simulation: traffic moves to the better variant (65 % vs 55 % success), never below the minimum share", () => {
    const random = seeded(42);
    const truth: Record<string, number> = { control: 0.55, b: 0.65 };
    let current = row([50, 50]);
    const totals: Record<string, { requests: number; errors: number }> = { control: { requests: 0, errors: 0 }, b: { requests: 0, errors: 0 } };
    const experiment = { id: "22222222-2222-4222-8222-222222222222", variants: current.variants };
    const shareOfB: number[] = [];
    const trafficOfB: number[] = [];
    for (let minute = 0; minute < 30; minute++) {
      let onB = 0;
      for (let user = 0; user < 50; user++) {
        const variant = pickVariant({ ...experiment, variants: current.variants }, `minute-${minute}-user-${user}`)!.name;
        totals[variant].requests++;
        if (random() >= truth[variant]) totals[variant].errors++;
        if (variant === "b") onB++;
      }
      trafficOfB.push(onB / 50);
      const split = nextSplit(current, Object.entries(totals).map(([name, counts]) => metrics(name, counts.requests, counts.errors)), { random, draws: 2000 });
      if (split) current = { ...current, variants: current.variants.map((variant, index) => ({ ...variant, weight: split.weights[index] })) };
      shareOfB.push(current.variants[1].weight);
    }
    expect(trafficOfB[0]).toBeGreaterThan(0.4);
    expect(trafficOfB[0]).toBeLessThan(0.6);
    expect(shareOfB.at(-1)).toBe(90);
    expect(Math.min(...current.variants.map((variant) => variant.weight))).toBe(10);
    expect(trafficOfB.slice(-3).every((share) => share > 0.8)).toBe(true);
    // Seeded, so the path is exact: b's share after each minute of 50 requests.
    expect(shareOfB.slice(0, 12)).toEqual([80, 80, 87, 81, 74, 72, 83, 82, 87, 89, 89, 90]);
    expect(shareOfB.slice(12).every((share) => share === 90)).toBe(true);
  });
});
