import type { GatewayResponse } from "../contract";
import { completeUsage } from "../estimate-tokens";
import { settleInBackground } from "../ledger";
import type { ChatResult } from "../types";
import { storeAnswer } from "../cache/store-answer";
import { answerMeta, type ChatCall } from "./chat-call";
import { failedAnswer } from "./failed-answer";
import { producedTextOf, readChatResult } from "./read-chat-result";
import { sendWithAttempts } from "./send-attempts";
import { responseHeaders } from "./response-headers";

/** Non-stream chat completion: one JSON answer, settled once. */
export async function completeChat(call: ChatCall): Promise<GatewayResponse> {
  const { deps, record, format, adapter, upstreamRequest, signal, clientSignal } = call;
  const result = await sendWithAttempts<ChatResult>(deps, record, adapter, upstreamRequest, signal, (response) => readChatResult(response, adapter));

  if (!result.ok) return failedAnswer(deps, record, format, result.error, clientSignal);
  return answerChatResult(call, result.value);
}

/** A provider's complete answer as the caller's JSON, settled once (also the routed path's, routing/route-chat.ts). */
export async function answerChatResult(call: ChatCall, value: ChatResult): Promise<GatewayResponse> {
  const { deps, record, format, chatRequest } = call;
  record.firstTokenAt = Date.now();
  const produced = producedTextOf(value);
  const { usage } = await completeUsage(value.usage, chatRequest, produced);
  settleInBackground(record, { status: "success", httpStatus: 200, usage: value.usage, producedText: produced }, deps);
  storeAnswer(deps, record, value, usage);
  const body = format.encodeResult(value, usage, answerMeta(call));
  return { type: "json", status: 200, headers: responseHeaders(record), body };
}
