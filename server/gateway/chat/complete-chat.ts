import type { GatewayResponse } from "../contract";
import type { GatewayDeps } from "../deps";
import { completeUsage } from "../estimate-tokens";
import { settleInBackground, type RequestRecord } from "../ledger";
import { toOpenAICompletion } from "../openai-format";
import { completionId } from "../request-id";
import type { ChatRequest, ChatResult, ProviderAdapter, UpstreamRequest } from "../types";
import { classifyUpstreamFailure } from "../upstream";
import { failedAnswer } from "./failed-answer";
import { sendWithAttempts } from "./send-attempts";
import { responseHeaders } from "./response-headers";

/** Non-stream chat completion: one JSON answer, settled once. */
export async function completeChat(
  deps: GatewayDeps,
  record: RequestRecord,
  chatRequest: ChatRequest,
  adapter: ProviderAdapter,
  upstreamRequest: UpstreamRequest,
  signal: AbortSignal,
  clientSignal: AbortSignal,
): Promise<GatewayResponse> {
  const result = await sendWithAttempts<ChatResult>(deps, record, adapter, upstreamRequest, signal, async (response) => {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      return { ok: false, error: classifyUpstreamFailure(error, adapter.id) };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, error: { kind: "upstream", provider: adapter.id, status: 502, message: "the provider sent a response that is not JSON" } };
    }
    return adapter.parseResponse(json);
  });

  if (!result.ok) return failedAnswer(deps, record, result.error, clientSignal);

  record.firstTokenAt = Date.now();
  const produced = result.value.choices.map((choice) => (choice.text ?? "") + (choice.toolCalls ?? []).map((call) => call.name + call.arguments).join("")).join("");
  const { usage } = await completeUsage(result.value.usage, chatRequest, produced);
  settleInBackground(record, { status: "success", httpStatus: 200, usage: result.value.usage, producedText: produced }, deps);
  const body = toOpenAICompletion(result.value, { id: completionId(record.id), model: record.requestedModel!, created: Math.floor(record.startedAt / 1000) }, usage);
  return { type: "json", status: 200, headers: responseHeaders(record), body };
}
