import { logger, describeError } from "@/server/logger";
import { truncateCallerText } from "../../caller-text";
import type { ChatChoice, ChatMessage, Result } from "../../types";
import type { PrepareContext } from "../inbound-format";
import { PREVIOUS_NOT_FOUND } from "./response";
import { RESPONSE_TTL_MS } from "./response-store";

/**
 * `previous_response_id` and `store`: the stored conversation goes between this request's
 * instructions and its input, and the finished answer is stored for the next turn.
 * The lookup is a DB read on the request path (the pipeline is synchronous per request), paid
 * only by requests that carry previous_response_id. Saves run off the response path.
 * Reference: https://platform.openai.com/docs/guides/conversation-state
 */
export interface ConversationOptions {
  previousResponseId: string | null;
  instructions: ChatMessage[];
  input: ChatMessage[];
}

/** The messages to send: instructions, then the stored conversation, then the new input. */
export async function loadConversation(options: ConversationOptions, context: PrepareContext): Promise<Result<{ history: ChatMessage[]; messages: ChatMessage[] }>> {
  if (!options.previousResponseId) return { ok: true, value: { history: [], messages: [...options.instructions, ...options.input] } };
  const store = context.deps.responses;
  if (!store) {
    return { ok: false, error: { kind: "invalid_request", message: "previous_response_id is not available: this gateway has no response store configured.", param: "previous_response_id", code: "unsupported_parameter" } };
  }
  let stored: Awaited<ReturnType<typeof store.find>>;
  try {
    stored = await store.find(context.key.orgId, context.key.id, options.previousResponseId);
  } catch (error) {
    logger.error("loading a stored response failed", { request_id: context.requestId, ...describeError(error) });
    return { ok: false, error: { kind: "internal" } };
  }
  if (!stored) {
    return { ok: false, error: { kind: "invalid_request", message: `Previous response with id '${truncateCallerText(options.previousResponseId)}' not found.`, param: "previous_response_id", code: PREVIOUS_NOT_FOUND } };
  }
  return { ok: true, value: { history: stored.messages, messages: [...options.instructions, ...stored.messages, ...options.input] } };
}

/** The answer as the assistant message that continues the conversation. */
export function answerMessage(choice: ChatChoice): ChatMessage {
  const toolCalls = (choice.toolCalls ?? []).map((call) => ({ id: call.id, type: "function" as const, function: { name: call.name, arguments: call.arguments } }));
  return {
    role: "assistant",
    content: choice.text ?? (toolCalls.length > 0 ? null : ""),
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(choice.reasoning ? { reasoning_content: choice.reasoning } : {}),
    ...(choice.reasoningSignature ? { reasoning_signature: choice.reasoningSignature } : {}),
    ...(choice.redactedReasoning?.length ? { redacted_reasoning: choice.redactedReasoning } : {}),
  };
}

/**
 * Stores history + input + answer under the response id, off the response path; failures are logged.
 * With `persist: false` (store:false) only a connection-scoped store keeps it, in memory (remember).
 */
export function saveConversation(context: PrepareContext, record: { id: string; model: string; messages: ChatMessage[] }, persist = true): void {
  const store = context.deps.responses;
  if (!store) return;
  const createdAt = new Date();
  const stored = { ...record, orgId: context.key.orgId, keyId: context.key.id, createdAt, expiresAt: new Date(createdAt.getTime() + RESPONSE_TTL_MS) };
  if (!persist) return store.remember?.(stored);
  store
    .save(stored)
    .catch((error) => logger.error("storing a response failed", { response_id: record.id, ...describeError(error) }));
}
