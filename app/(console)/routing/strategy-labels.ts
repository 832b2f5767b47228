import type { RoutingStrategy } from "@/db/schema/model-group-definition";

export const strategyLabels: Record<RoutingStrategy, string> = {
  weighted: "Weighted",
  least_in_flight: "Least in flight",
  lowest_latency: "Lowest latency",
  lowest_cost: "Lowest cost",
  priority: "Priority with spill-over",
};

export const strategyHints: Record<RoutingStrategy, string> = {
  weighted: "A weighted random pick: a deployment of weight 3 gets three times the traffic of one of weight 1.",
  least_in_flight: "The deployment with the fewest requests in flight per unit of weight.",
  lowest_latency: "The lowest peak-EWMA latency (time to first token for streams); a spike moves traffic at once, recovery brings it back gradually.",
  lowest_cost: "The cheapest estimated cost of this request at the catalog prices.",
  priority: "The lowest priority number first; the next one when it fails, its circuit is open or max in flight is reached.",
};
