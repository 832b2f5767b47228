import type { GatewayRequest } from "../contract";
import type { ConfigSource } from "../config/config-source";
import type { GatewayOptions } from "../deps";
import type { RequestRecord } from "../ledger";
import type { GatewayError, Result } from "../types";
import { readCallerRegion } from "./caller-region";
import { evaluatePolicy } from "./evaluate-policy";
import { collectPromptStrings } from "./prompt-text";
import { redactPrompt } from "./redact";

/** What policy reads of the gateway (the console's simulator hands in the same shape). */
export interface PolicyDeps {
  config: Pick<ConfigSource, "findPolicy" | "findModel">;
  options: Pick<GatewayOptions, "trustedRegionHeader">;
}
export type PolicyRecord = Pick<RequestRecord, "key" | "policy" | "requestedModel" | "stream">;

/**
 * The one place policy is applied, for every endpoint (chat completions, messages, responses over HTTP and
 * WebSocket, embeddings, count_tokens; stream or not): on the JSON body, before any endpoint parses it. Returns the
 * body to go on with (rerouted: another `model`; redacted: masked prompt strings) or the refusal. The decision is
 * kept on the request record for its ledger row. No rules and no residency: the body is not even looked at.
 */
export function enforcePolicy(deps: PolicyDeps, record: PolicyRecord, body: unknown, request: Pick<GatewayRequest, "header">): Result<unknown> {
  const policy = deps.config.findPolicy(record.key.orgId);
  if (!policy || !isObject(body)) return { ok: true, value: body };
  const orgId = record.key.orgId;
  const findModel = (name: string) => deps.config.findModel(orgId, name);
  const modelName = typeof body.model === "string" ? body.model : undefined;
  // The ledger's requested model is the caller's, also when a rule reroutes or refuses the request.
  record.requestedModel = modelName;
  if (typeof body.stream === "boolean") record.stream = body.stream;
  let promptText: string | undefined;
  const evaluation = evaluatePolicy(policy, {
    subject: { key: record.key, callerRegion: readCallerRegion(request, record.key, deps.options.trustedRegionHeader), model: modelName ? findModel(modelName) : undefined },
    promptText: () => (promptText ??= policy.readsPrompt ? collectPromptStrings(body).join("\n") : ""),
    findModel,
  });
  record.policy = evaluation.decision;
  if (evaluation.refusal) return refuse(evaluation.refusal.code, evaluation.refusal.message, evaluation.refusal.ruleId);
  let next: Record<string, unknown> = body;
  if (evaluation.rerouteTo && evaluation.rerouteTo !== modelName) {
    record.policy = { ...record.policy, reroutedFrom: modelName };
    next = { ...next, model: evaluation.rerouteTo };
  }
  if (evaluation.redactRules.length > 0) {
    try {
      next = redactPrompt(next, evaluation.redactRules) as Record<string, unknown>;
    } catch (error) {
      const rule = evaluation.redactRules[0];
      record.policy = { ...record.policy, outcome: "failed" };
      return refuse("policy_evaluation_failed", `Redaction by policy rule "${rule.name}" (${rule.id}) failed, so the request was refused (fail-closed): ${error instanceof Error ? error.message : String(error)}`, rule.id);
    }
  }
  return { ok: true, value: next };
}

function refuse(code: "policy_violation" | "policy_evaluation_failed", message: string, ruleId: string): { ok: false; error: GatewayError } {
  return { ok: false, error: { kind: "forbidden", reason: "policy", code, message, ruleId } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
