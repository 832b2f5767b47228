import type { VariantMetricsRow } from "@/db/queries/experiments";
import { OBRIEN_FLEMING_CONSTANT, SEQUENTIAL_INFLATION, sequentialBound } from "./sequential-bound";
import { normalCdf, proportionSample, relativeDifference, sampleSizeForMeans, sampleSizeForProportions, twoProportionZTest, welchTTest, type Proportion, type Sample } from "./statistics";

/** The metrics compared between each variant and the control (the experiment's first variant). */
export type MetricName = "cost_per_request" | "latency" | "error_rate" | "thumbs_up_rate" | "mean_score" | "task_completion";

export interface MetricComparison {
  metric: MetricName;
  /** better / worse for the variant, no_difference (not significant yet), not_enough_data. */
  verdict: "better" | "worse" | "no_difference" | "not_enough_data";
  /** Variant ÷ control − 1, with its 95 % confidence interval; null when the control's value is 0 or missing. */
  relativeDifference: { estimate: number; low: number; high: number } | null;
  statistic: number | null;
  pValue: number | null;
  /** The O'Brien–Fleming look reached (0–5) and the |statistic| needed at it (sequential-bound.ts). */
  look: number;
  criticalValue: number | null;
  /** Observations (requests, or rated requests) in control and variant. */
  controlCount: number;
  variantCount: number;
  /** About how many more observations (both arms together) until a difference of the observed size would be significant; null when decided or unknowable. */
  moreNeeded: number | null;
  summary: string;
}

/** Smallest relative difference the plan is sized for (10 %; for rates at least one percentage point), at α = 0.05 and 80 % power. */
export const MINIMUM_DETECTABLE_EFFECT = 0.1;
/** Fewer observations per arm than this is "not enough data yet" whatever the numbers say. */
export const MINIMUM_PER_ARM = 10;

interface MetricSpec {
  metric: MetricName;
  kind: "proportion" | "mean";
  higherIsBetter: boolean;
  unit: "requests" | "rated requests";
  read(row: VariantMetricsRow): Proportion | Sample | null;
  words: { label: string; up: string; down: string };
}

const specs: MetricSpec[] = [
  { metric: "cost_per_request", kind: "mean", higherIsBetter: false, unit: "requests", read: (row) => sample(row.cost_mean, row.cost_variance, row.requests), words: { label: "cost per request", up: "costlier per request", down: "cheaper per request" } },
  { metric: "latency", kind: "mean", higherIsBetter: false, unit: "requests", read: (row) => sample(row.latency_mean, row.latency_variance, row.successes), words: { label: "latency", up: "slower", down: "faster" } },
  { metric: "error_rate", kind: "proportion", higherIsBetter: false, unit: "requests", read: (row) => ({ successes: row.errors, trials: row.requests }), words: { label: "error rate", up: "more errors", down: "fewer errors" } },
  { metric: "thumbs_up_rate", kind: "proportion", higherIsBetter: true, unit: "rated requests", read: (row) => ({ successes: row.thumbs_up, trials: row.thumbs }), words: { label: "satisfaction", up: "more thumbs-up", down: "fewer thumbs-up" } },
  { metric: "mean_score", kind: "mean", higherIsBetter: true, unit: "rated requests", read: (row) => sample(row.score_mean, row.score_variance, row.scores), words: { label: "score", up: "higher score", down: "lower score" } },
  { metric: "task_completion", kind: "proportion", higherIsBetter: true, unit: "rated requests", read: (row) => ({ successes: row.tasks_completed, trials: row.tasks }), words: { label: "task completion", up: "more tasks completed", down: "fewer tasks completed" } },
];

function sample(mean: number | null, variance: number | null, count: number): Sample | null {
  return mean === null ? null : { mean, variance: variance ?? 0, count };
}

const countOf = (value: Proportion | Sample) => ("trials" in value ? value.trials : value.count);
const percent = (value: number) => `${Math.round(Math.abs(value) * 100)} %`;

/** Every metric of `variant` against `control`, with the readout in words ("B is 12 % cheaper per request, 95 % CI 8–16 %"). */
export function compareVariants(control: VariantMetricsRow, variant: VariantMetricsRow): MetricComparison[] {
  return specs.map((spec) => compareMetric(spec, variant.variant, spec.read(control), spec.read(variant)));
}

function compareMetric(spec: MetricSpec, name: string, control: Proportion | Sample | null, variant: Proportion | Sample | null): MetricComparison {
  const [controlCount, variantCount] = [control ? countOf(control) : 0, variant ? countOf(variant) : 0];
  const base = { metric: spec.metric, controlCount, variantCount };
  if (!control || !variant || Math.min(controlCount, variantCount) < MINIMUM_PER_ARM) {
    const perArm = control && controlCount > 0 ? plannedPerArm(spec, control) : null;
    const moreNeeded = perArm === null ? null : Math.max(0, 2 * Math.max(perArm, MINIMUM_PER_ARM) - controlCount - variantCount);
    return { ...base, verdict: "not_enough_data", relativeDifference: null, statistic: null, pValue: null, look: 0, criticalValue: null, moreNeeded, summary: `${spec.words.label}: not enough data yet${moreNeeded ? `, about ${formatCount(moreNeeded)} more ${spec.unit} needed` : ""}` };
  }
  const [controlSample, variantSample] = spec.kind === "proportion" ? [proportionSample(control as Proportion), proportionSample(variant as Proportion)] : [control as Sample, variant as Sample];
  const test = spec.kind === "proportion" ? twoProportionZTest(control as Proportion, variant as Proportion) : welchTTest(control as Sample, variant as Sample);
  const relative = relativeDifference(controlSample, variantSample);
  const perArm = plannedPerArm(spec, control);
  const { look, critical } = sequentialBound(perArm === null || !Number.isFinite(perArm) ? 1 : Math.min(controlCount, variantCount) / perArm);
  // Welch's statistic is t-distributed: compare its p-value with the bound's normal tail probability.
  const boundP = Number.isFinite(critical) ? 2 * (1 - normalCdf(critical)) : 0;
  const significant = test !== null && test.pValue <= boundP;
  const improved = test !== null && (test.statistic > 0) === spec.higherIsBetter;
  const verdict = !test ? (controlSample.mean === variantSample.mean ? "no_difference" : "not_enough_data") : significant ? (improved ? "better" : "worse") : "no_difference";
  const moreNeeded = significant || !test ? null : moreToCross(test.statistic, Math.min(controlCount, variantCount), perArm);
  return { ...base, verdict, relativeDifference: relative, statistic: test?.statistic ?? null, pValue: test?.pValue ?? null, look, criticalValue: Number.isFinite(critical) ? critical : null, moreNeeded, summary: describe(spec, name, verdict, relative, moreNeeded) };
}

function describe(spec: MetricSpec, name: string, verdict: MetricComparison["verdict"], relative: MetricComparison["relativeDifference"], moreNeeded: number | null): string {
  const more = moreNeeded ? `, about ${formatCount(moreNeeded)} more ${spec.unit} needed` : "";
  if (verdict === "not_enough_data") return `${spec.words.label}: not enough data yet${more}`;
  if (verdict === "no_difference" || !relative) return `${spec.words.label}: no significant difference yet${more}`;
  const [low, high] = [Math.min(Math.abs(relative.low), Math.abs(relative.high)), Math.max(Math.abs(relative.low), Math.abs(relative.high))];
  const direction = relative.estimate > 0 ? spec.words.up : spec.words.down;
  return `${name} is ${percent(relative.estimate)} ${direction}, 95 % CI ${Math.round(low * 100)}–${Math.round(high * 100)} %`;
}

/** Per-arm sample of the plan: the minimum detectable effect at the control's level, inflated for five looks. */
function plannedPerArm(spec: MetricSpec, control: Proportion | Sample): number | null {
  if (spec.kind === "proportion") {
    const { successes, trials } = control as Proportion;
    const p = trials === 0 ? 0 : successes / trials;
    // 10 % of the control's rate, at least one percentage point, towards the side that has room.
    const delta = Math.max(p * MINIMUM_DETECTABLE_EFFECT, 0.01);
    const shifted = p + delta <= 1 ? p + delta : p - delta;
    return Math.ceil(sampleSizeForProportions(p, shifted) * SEQUENTIAL_INFLATION);
  }
  const { mean, variance } = control as Sample;
  if (mean === 0 || variance === 0) return null;
  return Math.ceil(sampleSizeForMeans(Math.abs(mean) * MINIMUM_DETECTABLE_EFFECT, Math.sqrt(variance)) * SEQUENTIAL_INFLATION);
}

/**
 * Both arms together: how many more observations until the boundary is crossed if the observed effect holds (the
 * statistic grows with √n while the boundary C/√(n/N) falls until the planned N, then stays at C).
 */
function moreToCross(statistic: number, perArmNow: number, plannedPerArm: number | null): number | null {
  if (statistic === 0 || perArmNow === 0) return null;
  const z = Math.abs(statistic);
  const planned = plannedPerArm === null || !Number.isFinite(plannedPerArm) ? perArmNow : plannedPerArm;
  const beforePlan = (OBRIEN_FLEMING_CONSTANT * Math.sqrt(planned * perArmNow)) / z;
  const needed = beforePlan <= planned ? beforePlan : perArmNow * (OBRIEN_FLEMING_CONSTANT / z) ** 2;
  return Math.max(0, Math.ceil(2 * (needed - perArmNow))) || null;
}

function formatCount(value: number): string {
  if (value < 100) return String(value);
  const magnitude = 10 ** Math.floor(Math.log10(value) - 1);
  return String(Math.round(value / magnitude) * magnitude);
}
