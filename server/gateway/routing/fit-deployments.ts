import type { ModelEntry } from "../config/config-source";
import type { ProviderAdapter, ProviderId } from "../types";
import type { DeploymentEntry } from "./group-entry";
import type { RequestNeeds } from "./request-needs";

export interface FitContext {
  needs: RequestNeeds;
  adapters: Readonly<Partial<Record<ProviderId, ProviderAdapter>>>;
  /** Why the org's policies (rules with model conditions, residency) refuse this caller the model; undefined: allowed. */
  policyRefusal: (model: ModelEntry) => string | undefined;
  /** Whether the deployment's circuit lets a request through now. */
  isCircuitClosed: (deployment: DeploymentEntry) => boolean;
}

/** Why a deployment cannot serve this request, or undefined when it can (README "Model groups and routing"). */
export function unfitReason(deployment: DeploymentEntry, context: FitContext): string | undefined {
  const { needs } = context;
  const { model, supports } = deployment;
  const adapter = context.adapters[model.connection.kind];
  if (!adapter) return `provider ${model.connection.kind} is not available`;
  const outputTokens = deployment.overrides.max_tokens ?? needs.maxTokens ?? 0;
  if (model.contextWindow !== null && needs.promptTokens + outputTokens > model.contextWindow) {
    return `context window: ~${needs.promptTokens} prompt + ${outputTokens} output tokens > ${model.contextWindow}`;
  }
  if (needs.tools && !supports.tools) return "does not support tools";
  if (needs.images && !supports.images) return "does not support images";
  if (needs.structuredOutput && !supports.structured_output) return "does not support structured output";
  const perCall = adapter.maxChoicesPerCall?.({ provider: model.connection.kind, connectionId: model.connection.id, baseUrl: model.connection.baseUrl, apiKey: "", upstreamModel: model.upstreamModel, modelName: model.name });
  if (needs.choices > 1 && perCall !== undefined && needs.choices > perCall) return `returns at most ${perCall} choice(s) per call (n=${needs.choices})`;
  const refusal = context.policyRefusal(model);
  if (refusal) return refusal;
  if (!context.isCircuitClosed(deployment)) return "circuit open";
  return undefined;
}

/** Which kind of reason excluded every deployment, for the error when none is left. */
export function refusalKind(reason: string): "context" | "capability" | "policy" | "circuit" | "provider" {
  if (reason.startsWith("context window")) return "context";
  if (reason.startsWith("does not support") || reason.startsWith("returns at most")) return "capability";
  if (reason.startsWith("policy") || reason.startsWith("residency")) return "policy";
  if (reason === "circuit open") return "circuit";
  return "provider";
}
