import type { RouteCandidateValue, RouteTraceValue } from "@/db/schema/route-trace";
import { priceAt, type KeyEntry, type ModelEntry } from "../config/config-source";
import type { GatewayRequest } from "../contract";
import type { GatewayDeps } from "../deps";
import type { RequestRecord } from "../ledger";
import { readCallerRegion } from "../policy/caller-region";
import { evaluatePolicy } from "../policy/evaluate-policy";
import { collectPromptStrings } from "../policy/prompt-text";
import { rateMicros } from "../pricing";
import { DEFAULT_PROMPT_CACHE, isModelAllowed } from "../resolve-target";
import type { ChatRequest, GatewayError, Result } from "../types";
import { DEFAULT_CONTEXT_SETTINGS } from "../context/context-settings";
import { refusalKind, unfitReason, type FitContext } from "./fit-deployments";
import type { DeploymentEntry, GroupEntry } from "./group-entry";
import { orderDeployments } from "./order-deployments";
import { readRequestNeeds } from "./request-needs";
import { applyAffinity, readAffinityKey } from "./session-affinity";
import type { RoutingState } from "./routing-state";

/** A routed request's deployments in the order they will be tried, and the trace that explains the order. */
export interface RoutePlan {
  group: GroupEntry;
  /** The group's fit deployments by its strategy, then each fallback's. */
  order: DeploymentEntry[];
  trace: RouteTraceValue;
  /** The candidate whose worst case costs most: the budget reservation is made at its price. */
  costliest: DeploymentEntry;
  /** How many warnings the request carried before any deployment's adapter added its own. */
  warningsBefore: number;
}

/**
 * For a model name that is one of the org's groups the key may use: every deployment of the group and of its
 * fallbacks (groups or catalog models the key may also use, one level deep) is checked against the request (context
 * window, tools, images, structured output, n, the policies for this caller, open circuits) and ordered by its
 * group's strategy. Undefined when the name is not a group (the plain catalog path serves it).
 */
export function planRoute(deps: GatewayDeps, state: RoutingState, record: Pick<RequestRecord, "key" | "warnings">, chatRequest: ChatRequest, request: Pick<GatewayRequest, "header">, random: () => number = Math.random): Result<RoutePlan> | undefined {
  const { key } = record;
  const group = deps.config.findGroup?.(key.orgId, chatRequest.model);
  if (!group || !isModelAllowed(key, group.name)) return undefined;
  const needs = readRequestNeeds(chatRequest);
  const affinity = group.definition.session_affinity ? readAffinityKey(chatRequest) : undefined;
  const fit: FitContext = {
    needs,
    adapters: deps.adapters,
    policyRefusal: policyRefusalFor(deps, key, chatRequest, request),
    isCircuitClosed: (deployment) => state.breakerOf(deployment.healthKey, group.definition.circuit).isAvailable(state.now()),
  };
  const candidates: RouteCandidateValue[] = [];
  const order: DeploymentEntry[] = [];
  const tiers: { group: GroupEntry; deployments: DeploymentEntry[] }[] = [{ group, deployments: group.deployments }];
  for (const name of group.definition.fallbacks) {
    const fallback = resolveFallback(deps, key, name);
    if (typeof fallback === "string") candidates.push({ deployment: name, group: name, model: name, provider: "", region: null, excluded: fallback });
    else tiers.push(fallback);
  }
  for (const tier of tiers) {
    const fitting: DeploymentEntry[] = [];
    for (const deployment of tier.deployments) {
      const excluded = order.some((entry) => entry.healthKey === deployment.healthKey) ? "already a candidate" : unfitReason(deployment, fit);
      if (excluded) candidates.push({ ...describe(deployment), excluded });
      else fitting.push(deployment);
    }
    const ranked = orderDeployments(tier.group.definition.strategy, fitting, { state, needs, stream: chatRequest.stream === true, random, at: Date.now() });
    const ordered = affinity && tier.group === group && AFFINITY_STRATEGIES.has(group.definition.strategy) ? applyAffinity(ranked, affinity) : ranked;
    for (const entry of ordered) {
      order.push(entry.deployment);
      candidates.push({ ...describe(entry.deployment), rank: order.length, ...(entry.score !== undefined ? { score: entry.score } : {}), ...(entry.note ? { note: entry.note } : {}) });
    }
  }
  const trace: RouteTraceValue = { group: group.name, version: group.version, strategy: group.definition.strategy, candidates, attempts: [], summary: "" };
  if (order.length === 0) return { ok: false, error: noCandidateError(group, candidates) };
  return { ok: true, value: { group, order, trace, costliest: costliestOf(order, needs.maxTokens), warningsBefore: record.warnings.length } };
}

function describe(deployment: DeploymentEntry): RouteCandidateValue {
  return { deployment: deployment.id, group: deployment.group, model: deployment.model.name, provider: deployment.model.connection.kind, region: deployment.model.region };
}

/** A fallback name as a tier of deployments (a group, or one catalog model), or why it is left out. */
function resolveFallback(deps: GatewayDeps, key: KeyEntry, name: string): { group: GroupEntry; deployments: DeploymentEntry[] } | string {
  if (!isModelAllowed(key, name)) return "not allowed for this key";
  const group = deps.config.findGroup?.(key.orgId, name);
  if (group) return { group, deployments: group.deployments };
  const model = deps.config.findModel(key.orgId, name);
  if (!model) return "no such group or model";
  const deployment: DeploymentEntry = { id: name, group: name, model, healthKey: model.id, weight: 1, priority: 0, overrides: {}, supports: { tools: true, images: true, structured_output: true } };
  const single: GroupEntry = { id: `model:${model.id}`, orgId: key.orgId, name, version: 0, definition: { strategy: "priority", deployments: [], fallbacks: [], retry: DEFAULT_RETRY, fallback_on: { content_filter: false }, session_affinity: false, timeouts: {}, circuit: DEFAULT_CIRCUIT, context: DEFAULT_CONTEXT_SETTINGS, prompt_cache: DEFAULT_PROMPT_CACHE, response_cache: { mode: "inherit" } }, deployments: [deployment] };
  return { group: single, deployments: [deployment] };
}

/** Strategies whose choice is free to follow a conversation (priority and cost have a reason to pick the same one for all). */
const AFFINITY_STRATEGIES = new Set(["weighted", "least_in_flight", "lowest_latency"]);

const DEFAULT_RETRY = { max_attempts: 3, base_delay_ms: 250, max_delay_ms: 10_000, deadline_ms: 60_000, budget_ratio: 0.2, budget_window_ms: 60_000 };
const DEFAULT_CIRCUIT = { failure_threshold: 5, error_rate: 0.5, min_requests: 10, cooldown_ms: 30_000 };

/** Why the org's policies refuse this caller a model (rules with model conditions, residency); undefined: allowed. */
export function policyRefusalFor(deps: GatewayDeps, key: KeyEntry, chatRequest: ChatRequest, request: Pick<GatewayRequest, "header">): (model: ModelEntry) => string | undefined {
  const policy = deps.config.findPolicy(key.orgId);
  if (!policy) return () => undefined;
  const callerRegion = readCallerRegion(request, key, deps.options.trustedRegionHeader);
  let promptText: string | undefined;
  return (model) => {
    const evaluation = evaluatePolicy(policy, {
      subject: { key, callerRegion, model },
      promptText: () => (promptText ??= policy.readsPrompt ? collectPromptStrings(chatRequest).join("\n") : ""),
      findModel: (name) => deps.config.findModel(key.orgId, name),
    });
    if (!evaluation.refusal) return undefined;
    return evaluation.refusal.ruleId === "residency" ? `residency: the model is ${model.region ? `in ${model.region}` : "not labelled with a region"}` : `policy rule ${evaluation.refusal.ruleId}`;
  };
}

function noCandidateError(group: GroupEntry, candidates: RouteCandidateValue[]): GatewayError {
  const reasons = candidates.flatMap((candidate) => (candidate.excluded ? [refusalKind(candidate.excluded)] : []));
  const every = (kind: string) => reasons.length > 0 && reasons.every((reason) => reason === kind);
  const name = `\`${group.name}\``;
  if (every("context")) return { kind: "invalid_request", message: `The prompt and max_tokens exceed the context window of every deployment of ${name}.`, code: "context_length_exceeded", param: "messages" };
  if (every("policy")) return { kind: "forbidden", reason: "policy", code: "policy_violation", message: `The organization's policies refuse every deployment of ${name} to this caller.` };
  if (reasons.includes("circuit")) return { kind: "unavailable", message: `No deployment of ${name} can take requests right now (circuits open); retry later.`, code: "no_healthy_deployment", retryAfterMs: 1000 };
  return { kind: "invalid_request", message: `No deployment of ${name} can serve this request (${[...new Set(candidates.map((candidate) => candidate.excluded).filter(Boolean))].join("; ")}).`, code: "no_capable_deployment", param: "model" };
}

function costliestOf(order: DeploymentEntry[], maxTokens: number | null): DeploymentEntry {
  let costliest = order[0];
  let highest = -1n;
  for (const deployment of order) {
    const price = priceAt(deployment.model, Date.now());
    if (!price) continue;
    const value = rateMicros(price.inputPerMtok) + rateMicros(price.outputPerMtok) * BigInt(deployment.overrides.max_tokens ?? maxTokens ?? 1);
    if (value > highest) [highest, costliest] = [value, deployment];
  }
  return costliest;
}
