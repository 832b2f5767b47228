import { expect, test } from "vitest";
import type { VariantMetricsRow } from "@/db/queries/experiments";
import { compareVariants } from "./readout";

const base: VariantMetricsRow = {
  variant: "control", requests: 0, errors: 0, cost_usd: "0", cost_mean: null, cost_variance: null, successes: 0, latency_mean: null, latency_variance: null, latency_p50: null, latency_p95: null,
  ttft_p50: null, ttft_p95: null, thumbs_up: 0, thumbs: 0, tasks_completed: 0, tasks: 0, score_mean: null, score_variance: null, scores: 0,
};

const byMetric = (rows: ReturnType<typeof compareVariants>) => Object.fromEntries(rows.map((row) => [row.metric, row]));

test("a clearly cheaper variant is called cheaper with its CI; sparse feedback is 'not enough data yet' with a count", () => {
  const control = { ...base, requests: 2000, successes: 2000, cost_mean: 0.001, cost_variance: 1e-8, latency_mean: 300, latency_variance: 900, thumbs_up: 3, thumbs: 5 };
  const variant = { ...control, variant: "B", cost_mean: 0.0008, thumbs_up: 4, thumbs: 6 };
  const readout = byMetric(compareVariants(control, variant));
  expect(readout.cost_per_request.verdict).toBe("better");
  expect(readout.cost_per_request.summary).toBe("B is 20 % cheaper per request, 95 % CI 19–21 %");
  expect(readout.latency).toMatchObject({ verdict: "no_difference", summary: "latency: no significant difference yet" });
  expect(readout.thumbs_up_rate.verdict).toBe("not_enough_data");
  expect(readout.thumbs_up_rate.summary).toMatch(/^satisfaction: not enough data yet, about \d+ more rated requests needed$/);
  expect(readout.task_completion.summary).toBe("task completion: not enough data yet");
  // No errors on either side: nothing to tell apart.
  expect(readout.error_rate).toMatchObject({ verdict: "no_difference", summary: "error rate: no significant difference yet" });
});

test("a worse error rate is called out once it crosses the O'Brien–Fleming boundary", () => {
  const control = { ...base, requests: 5000, errors: 100, successes: 4900 };
  const variant = { ...control, variant: "B", errors: 250, successes: 4750 };
  const errorRate = byMetric(compareVariants(control, variant)).error_rate;
  expect(Math.abs(errorRate.statistic!)).toBeGreaterThan(errorRate.criticalValue!);
  expect(errorRate.verdict).toBe("worse");
  expect(errorRate.summary).toMatch(/^B is 150 % more errors, 95 % CI \d+–\d+ %$/);
});

test("early on, a difference that would pass a fixed-sample test is not declared yet", () => {
  // 30 % against 50 % thumbs-up over 100 rated requests each: p ≈ 0.004 in a fixed-sample test, but the plan
  // (3 percentage points at 30 %) needs ~3,900 per arm, so the boundary at t ≈ 0.03 is far above |z| ≈ 2.9.
  const control = { ...base, requests: 100, successes: 100, thumbs_up: 30, thumbs: 100 };
  const variant = { ...control, variant: "B", thumbs_up: 50 };
  const satisfaction = byMetric(compareVariants(control, variant)).thumbs_up_rate;
  expect(satisfaction.pValue!).toBeLessThan(0.01);
  expect(satisfaction.verdict).toBe("no_difference");
  expect(satisfaction.summary).toMatch(/^satisfaction: no significant difference yet, about \d+ more rated requests needed$/);
});
