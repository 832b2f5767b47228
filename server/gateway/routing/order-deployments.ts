import type { RoutingStrategy } from "@/db/schema/model-group-definition";
import { priceAt } from "../config/config-source";
import { costPicos } from "../pricing";
import type { DeploymentEntry } from "./group-entry";
import { ASSUMED_OUTPUT_TOKENS, type RequestNeeds } from "./request-needs";
import type { RoutingState } from "./routing-state";

export interface OrderedDeployment {
  deployment: DeploymentEntry;
  /** Lower is better; what it measures depends on the strategy (README). */
  score?: number;
  /** Why it sits where it does, when not plain strategy order (saturated, cooling down). */
  note?: string;
}

export interface OrderContext {
  state: RoutingState;
  needs: RequestNeeds;
  stream: boolean;
  /** [0, 1); injected by tests. */
  random: () => number;
  /** Prices in force at this time. */
  at: number;
}

/**
 * Orders a group's fit deployments by its strategy, best first (the first is tried first, the rest are the retry and
 * fallback order). Deployments cooling down after a 429, those demoted for poor answers (empty, invalid tool-call JSON,
 * cut by length), and (priority) saturated ones, go after the others, in that order from last.
 *   weighted         a weighted random order (Efraimidis–Spirakis keys u^(1/weight)); score = weight
 *   least_in_flight  fewest requests in flight per unit of weight; ties in random order
 *   lowest_latency   lowest EWMA of time to first token (streams) or total latency; unmeasured ones first (explored)
 *   lowest_cost      lowest estimated cost of this request (prompt estimate + max_tokens, or 256 output tokens) at the
 *                    catalog price, in picodollars; unpriced ones last
 *   priority         lowest `priority` first, weighted random among equals; spill-over past `max_in_flight`
 */
export function orderDeployments(strategy: RoutingStrategy, deployments: readonly DeploymentEntry[], context: OrderContext): OrderedDeployment[] {
  const scored = deployments.map((deployment) => ({ deployment, score: scoreOf(strategy, deployment, context), tie: tieBreak(deployment, context.random) }));
  // Cooling down after a 429 goes last, then demoted for poor answers (routing-state.ts observeQuality), then saturated.
  const demotion = (entry: (typeof scored)[number]) => {
    if (context.state.isCooling(entry.deployment.healthKey)) return { level: 3, note: "cooling down after a 429" };
    const quality = context.state.qualityDemotion(entry.deployment.healthKey);
    if (quality) return { level: 2, note: `demoted for quality (${quality})` };
    if (strategy === "priority" && isSaturated(entry.deployment, context.state)) return { level: 1, note: `saturated (${context.state.inFlightOf(entry.deployment.healthKey)} in flight ≥ ${entry.deployment.max_in_flight})` };
    return { level: 0, note: undefined };
  };
  const sorted = scored
    .map((entry) => ({ ...entry, demotion: demotion(entry) }))
    .sort((a, b) => a.demotion.level - b.demotion.level || compareScores(a.score, b.score) || (strategy === "priority" ? a.deployment.priority - b.deployment.priority : 0) || b.tie - a.tie);
  return sorted.map(({ deployment, score, demotion }) => ({
    deployment,
    ...(score !== undefined && Number.isFinite(score) ? { score } : {}),
    ...(demotion.note ? { note: demotion.note } : {}),
  }));
}

function scoreOf(strategy: RoutingStrategy, deployment: DeploymentEntry, context: OrderContext): number | undefined {
  switch (strategy) {
    case "weighted":
      return undefined;
    case "least_in_flight":
      return context.state.inFlightOf(deployment.healthKey) / deployment.weight;
    case "lowest_latency": {
      const latency = context.state.latencyOf(deployment.healthKey);
      const value = context.stream ? (latency.ttftMs ?? latency.totalMs) : (latency.totalMs ?? latency.ttftMs);
      return value === undefined ? 0 : Math.round(value);
    }
    case "lowest_cost": {
      const price = priceAt(deployment.model, context.at);
      if (!price) return Number.POSITIVE_INFINITY;
      const outputTokens = deployment.overrides.max_tokens ?? context.needs.maxTokens ?? ASSUMED_OUTPUT_TOKENS;
      return Number(costPicos({ inputTokens: context.needs.promptTokens, outputTokens }, price));
    }
    case "priority":
      return deployment.priority;
  }
}

/** Weighted random key: higher wins ties (so weights matter in every strategy's ties and all of "weighted"). */
function tieBreak(deployment: DeploymentEntry, random: () => number): number {
  const draw = Math.max(random(), Number.MIN_VALUE);
  return draw ** (1 / Math.max(deployment.weight, 1e-9));
}

function compareScores(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a - b;
}

function isSaturated(deployment: DeploymentEntry, state: RoutingState): boolean {
  return deployment.max_in_flight !== undefined && state.inFlightOf(deployment.healthKey) >= deployment.max_in_flight;
}
