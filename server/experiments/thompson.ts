// The default import: Node runs this file unbundled in the gateway process, and jStat is a UMD module without named exports.
import jStat from "jstat";
import type { BanditReward } from "@/db/schema/experiments";
import type { ExperimentRow, VariantMetricsRow } from "@/db/queries/experiments";

/** One arm's binary outcomes. */
export interface ArmOutcomes {
  successes: number;
  trials: number;
}

/** The reward's outcomes of one variant, from the experiment's metrics (ledger and feedback). */
export function outcomesOf(metrics: VariantMetricsRow | undefined, reward: BanditReward): ArmOutcomes {
  if (!metrics) return { successes: 0, trials: 0 };
  if (reward === "success") return { successes: metrics.requests - metrics.errors, trials: metrics.requests };
  if (reward === "thumbs_up") return { successes: metrics.thumbs_up, trials: metrics.thumbs };
  return { successes: metrics.tasks_completed, trials: metrics.tasks };
}

/**
 * Thompson sampling's probabilities (README "A/B experiments", Bandit mode): each arm's reward rate has a Beta(1 + s,
 * 1 + f) posterior (uniform prior); `draws` rounds each sample every arm once (jStat.beta.sample) and count which arm
 * drew highest. The share of wins is the probability that the arm is the best, which Thompson sampling sends traffic
 * by. `random` is the uniform generator (seeded in tests); jStat's is restored before returning.
 */
export function probabilityBest(arms: ArmOutcomes[], options: { draws?: number; random?: () => number } = {}): number[] {
  const draws = options.draws ?? 10_000;
  const wins = arms.map(() => 0);
  if (options.random) jStat.setRandom(options.random);
  try {
    for (let draw = 0; draw < draws; draw++) {
      let best = 0;
      let bestValue = -1;
      arms.forEach((arm, index) => {
        const value = jStat.beta.sample(1 + arm.successes, 1 + arm.trials - arm.successes);
        if (value > bestValue) [best, bestValue] = [index, value];
      });
      wins[best]++;
    }
  } finally {
    if (options.random) jStat.setRandom(Math.random);
  }
  return wins.map((count) => count / draws);
}

/**
 * Whole percents adding up to 100: every active arm gets `minShare`, the rest is shared in proportion to `weights`
 * (largest remainder); inactive arms get 0. With no active arm weight, the rest is shared evenly.
 */
export function splitPercents(weights: number[], active: boolean[], minShare: number): number[] {
  const activeCount = active.filter(Boolean).length;
  if (activeCount === 0) return weights.map(() => 0);
  const rest = 100 - minShare * activeCount;
  const activeWeight = weights.reduce((sum, weight, index) => sum + (active[index] ? weight : 0), 0);
  const exact = weights.map((weight, index) => (active[index] ? minShare + (rest * (activeWeight > 0 ? weight / activeWeight : 1 / activeCount)) : 0));
  const floors = exact.map(Math.floor);
  let missing = 100 - floors.reduce((sum, value) => sum + value, 0);
  const byRemainder = exact.map((value, index) => ({ index, remainder: value - floors[index] })).filter((entry) => active[entry.index]).sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const entry of byRemainder) {
    if (missing <= 0) break;
    floors[entry.index]++;
    missing--;
  }
  return floors;
}

/** Variants a guardrail or an admin rolled back: the bandit never gives them traffic again. */
export function rolledBack(row: Pick<ExperimentRow, "events">): Set<string> {
  return new Set(row.events.filter((event) => event.type === "rollback").map((event) => event.variant));
}

/** The bandit's next split of an experiment and the reason in words, or null when the split stays. */
export function nextSplit(row: Pick<ExperimentRow, "variants" | "events" | "bandit">, metrics: VariantMetricsRow[], options: { draws?: number; random?: () => number } = {}): { weights: number[]; reason: string } | null {
  if (!row.bandit) return null;
  const { reward, min_share: minShare } = row.bandit;
  const byName = new Map(metrics.map((entry) => [entry.variant, entry]));
  const excluded = rolledBack(row);
  const active = row.variants.map((variant) => !excluded.has(variant.name));
  const arms = row.variants.map((variant) => outcomesOf(byName.get(variant.name), reward));
  // Only arms that may get traffic compete for "best".
  const activeBest = probabilityBest(arms.filter((_, index) => active[index]), options);
  const best = active.map((isActive, index) => (isActive ? activeBest[active.slice(0, index).filter(Boolean).length] : 0));
  const weights = splitPercents(best, active, minShare);
  if (weights.every((weight, index) => weight === row.variants[index].weight)) return null;
  const moves = row.variants.map((variant, index) => `${variant.name} ${variant.weight} → ${weights[index]} %`).join(", ");
  const evidence = row.variants.map((variant, index) => `${variant.name} ${arms[index].successes}/${arms[index].trials}, P(best) ${best[index].toFixed(2)}`).join("; ");
  return { weights, reason: `thompson sampling on ${reward.replace("_", "-")}: ${moves} (${evidence})` };
}
