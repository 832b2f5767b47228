import { producedTextOf, readChatResult } from "../chat/read-chat-result";
import { sendWithAttempts } from "../chat/send-attempts";
import { reserveBudgets, worstCaseInputTokens, worstCaseOutputTokens } from "../budget/reserve";
import { priceAt, type ModelEntry } from "../config/config-source";
import type { GatewayDeps } from "../deps";
import { toOpenAIError } from "../errors";
import { completeUsage } from "../estimate-tokens";
import { newRecord, settleInBackground, type RequestRecord } from "../ledger";
import { costPicos } from "../pricing";
import { measurePrompt } from "../prompt-size";
import { admitRequest } from "../rate-limit/admit";
import { estimateChatTokens } from "../rate-limit/estimate";
import { newRequestId } from "../request-id";
import { resolveModel, toTarget } from "../resolve-target";
import type { ChatRequest, GatewayError, Result } from "../types";

export interface ChildAnswer {
  requestId: string;
  text: string;
  /** The child row's own cost, exact. */
  picos: bigint;
}

/**
 * A non-stream chat request the gateway makes for a caller's request (a summary): the same steps as the caller's own
 * (the key's allow-list, rate limits, budget reservation, the attempt loop), and one ledger row of its own whose
 * parent_id is the caller's request. Its cost is added to the parent's `childCostPicos` for the trace's total.
 */
export interface ChildOptions {
  signal: AbortSignal;
  /** Why the org's policies refuse the caller a model (routing/plan-route.ts); the child's model is checked like any. */
  policyRefusal: (model: ModelEntry) => string | undefined;
  /** A deployment of the group the caller may use (the key's allow-list names the group, not its models). */
  resolved?: ModelEntry;
}

export async function runChildChat(deps: GatewayDeps, parent: RequestRecord, chatRequest: ChatRequest, options: ChildOptions): Promise<Result<ChildAnswer>> {
  const { signal, resolved } = options;
  const model: Result<ModelEntry> = resolved ? { ok: true, value: resolved } : resolveModel(deps.config, parent.key, chatRequest.model);
  if (!model.ok) return model;
  const refusal = options.policyRefusal(model.value);
  if (refusal) return { ok: false, error: { kind: "forbidden", reason: "policy", code: "policy_violation", message: `The organization's policies refuse the model \`${model.value.name}\` to this caller (${refusal}).` } };
  const child = newRecord(newRequestId(), parent.key, "/v1/chat/completions");
  Object.assign(child, { parentId: parent.id, requestedModel: chatRequest.model, model: model.value, chatRequest, endUser: chatRequest.user ?? null });
  const fail = (error: GatewayError): Result<ChildAnswer> => {
    settleInBackground(child, { status: "error", httpStatus: toOpenAIError(error).status, error }, deps);
    return { ok: false, error };
  };
  const adapter = deps.adapters[model.value.connection.kind];
  if (!adapter) return fail({ kind: "no_route", model: chatRequest.model });
  const upstreamRequest = adapter.buildRequest(chatRequest, toTarget(model.value));
  child.warnings.push(...upstreamRequest.warnings);
  if (upstreamRequest.rejection) return fail(upstreamRequest.rejection);
  const prompt = measurePrompt(chatRequest);
  const admitted = await admitRequest(deps, child, { endUser: child.endUser, estimatedTokens: estimateChatTokens(chatRequest, prompt) });
  if (!admitted.ok) return fail(admitted.error);
  const reserved = await reserveBudgets(deps, child, {
    endUser: child.endUser ?? null,
    inputTokens: worstCaseInputTokens(chatRequest, prompt),
    outputTokens: worstCaseOutputTokens(chatRequest, model.value.maxOutputTokens),
  });
  if (!reserved.ok) return fail(reserved.error);

  const result = await sendWithAttempts(deps, child, adapter, upstreamRequest, signal, (response) => readChatResult(response, adapter));
  if (!result.ok) return fail(result.error);
  child.firstTokenAt = Date.now();
  const text = producedTextOf(result.value);
  const { usage } = await completeUsage(result.value.usage, chatRequest, text);
  const price = priceAt(model.value, child.startedAt);
  const picos = price ? costPicos(usage, price) : 0n;
  settleInBackground(child, { status: "success", httpStatus: 200, usage: result.value.usage, producedText: text }, deps);
  parent.childCostPicos = (parent.childCostPicos ?? 0n) + picos;
  return { ok: true, value: { requestId: child.id, text, picos } };
}
