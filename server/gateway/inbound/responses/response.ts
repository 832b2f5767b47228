import { toOpenAIError, type OpenAIErrorResponse } from "../../errors";
import type { ChatChoice, FinishReason, GatewayError, Usage } from "../../types";

/**
 * Normalized answers → the Responses API `Response` object.
 * Reference: https://platform.openai.com/docs/api-reference/responses/object
 * (and the `openai` SDK 6 types, resources/responses/responses.d.ts: Response, ResponseUsage).
 */
export interface ResponseEcho {
  instructions: string | null;
  previousResponseId: string | null;
  store: boolean;
  metadata: Record<string, string>;
  /** `include: ["reasoning.encrypted_content"]`: reasoning items carry `encrypted_content` (see encryptedReasoning). */
  includeEncryptedReasoning?: boolean;
}

export interface ResponseMeta extends ResponseEcho {
  id: string;
  model: string;
  created: number;
}

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

/** `resp_` + the request id's hex, so the response id leads to the ledger row. */
export function responseId(requestId: string): string {
  return `resp_${requestId.slice(4)}`;
}

/** Output item ids: `msg_`, `fc_` or `rs_` + the response id's hex + the item's index. */
export function itemId(prefix: "msg" | "fc" | "rs", meta: { id: string }, index: number): string {
  return `${prefix}_${meta.id.slice(5)}_${index}`;
}

export function toResponsesUsage(usage: Usage) {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
}

export function statusFor(reason: FinishReason): { status: ResponseStatus; incomplete_details: { reason: string } | null } {
  if (reason === "length") return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (reason === "content_filter") return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}

export const outputText = (text: string) => ({ type: "output_text", text, annotations: [] });
export const reasoningItem = (id: string, text: string, encryptedContent?: string) => ({
  id,
  type: "reasoning",
  summary: [],
  content: [{ type: "reasoning_text", text }],
  ...(encryptedContent !== undefined ? { encrypted_content: encryptedContent } : {}),
});

/**
 * `encrypted_content` is OpenAI's opaque carrier for reasoning state (returned with include
 * ["reasoning.encrypted_content"], sent back on input reasoning items):
 * https://platform.openai.com/docs/api-reference/responses/object (reasoning output item). The gateway puts Claude's
 * reasoning there: a signed thinking block's `signature` as is, and each redacted_thinking block's `data` in a
 * reasoning item of its own, prefixed REDACTED_PREFIX (translate-input.ts reads both back).
 */
export const REDACTED_PREFIX = "redacted_thinking:";
export const redactedItem = (id: string, data: string) => ({ id, type: "reasoning", summary: [], content: [], encrypted_content: REDACTED_PREFIX + data });
export const messageItem = (id: string, text: string, status: string) => ({ id, type: "message", status, role: "assistant", content: text === "" && status === "in_progress" ? [] : [outputText(text)] });
export const functionCallItem = (id: string, call: { id: string; name: string; arguments: string }, status: string) => ({ id, type: "function_call", status, call_id: call.id, name: call.name, arguments: call.arguments });

/** The whole Response object; `output` items are built by the caller (JSON answer or stream encoder). */
export function responseObject(meta: ResponseMeta, fields: { status: ResponseStatus; output: Record<string, unknown>[]; usage: Usage | null; incomplete_details?: { reason: string } | null; error?: { code: string; message: string } | null }) {
  const text = fields.output.flatMap((item) => (item.type === "message" ? (item.content as { text: string }[]) : [])).map((part) => part.text).join("");
  return {
    id: meta.id,
    object: "response",
    created_at: meta.created,
    status: fields.status,
    error: fields.error ?? null,
    incomplete_details: fields.incomplete_details ?? null,
    instructions: meta.instructions,
    model: meta.model,
    output: fields.output,
    output_text: text,
    previous_response_id: meta.previousResponseId,
    store: meta.store,
    metadata: meta.metadata,
    usage: fields.usage ? toResponsesUsage(fields.usage) : null,
  };
}

/** The first choice only: the Responses API has no `n`. */
export function toResponse(choice: ChatChoice | undefined, usage: Usage, meta: ResponseMeta) {
  const output: Record<string, unknown>[] = [];
  const encrypted = meta.includeEncryptedReasoning === true;
  const signature = encrypted ? choice?.reasoningSignature : undefined;
  if (choice?.reasoning || signature) output.push(reasoningItem(itemId("rs", meta, output.length), choice?.reasoning ?? "", signature));
  if (encrypted) for (const data of choice?.redactedReasoning ?? []) output.push(redactedItem(itemId("rs", meta, output.length), data));
  if (choice?.text) output.push(messageItem(itemId("msg", meta, output.length), choice.text, "completed"));
  for (const call of choice?.toolCalls ?? []) output.push(functionCallItem(itemId("fc", meta, output.length), call, "completed"));
  return responseObject(meta, { ...statusFor(choice?.finishReason ?? "stop"), output, usage });
}

/**
 * OpenAI's error shape; an unknown previous_response_id is a 404 `previous_response_not_found`,
 * as OpenAI answers it (carried as an invalid_request with that code).
 */
export function toResponsesError(error: GatewayError): OpenAIErrorResponse {
  const mapped = toOpenAIError(error);
  return error.kind === "invalid_request" && error.code === PREVIOUS_NOT_FOUND ? { ...mapped, status: 404 } : mapped;
}

export const PREVIOUS_NOT_FOUND = "previous_response_not_found";
