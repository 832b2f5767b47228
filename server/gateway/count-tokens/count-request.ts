/**
 * The body of POST /v1/messages/count_tokens: a Messages request without `max_tokens`.
 * Reference: https://docs.claude.com/en/api/messages-count-tokens (body: model, messages, system, tools, tool_choice,
 * thinking, output_config / output_format, mcp_servers, context_management, cache_control; answer {input_tokens}).
 * It is validated with the /v1/messages parser (same content blocks, tools and tool_choice), with `max_tokens`
 * optional. Fields that do not change the count (max_tokens, temperature, stream, …) are not forwarded; each
 * becomes a warning.
 */
import { z } from "zod";
import { messagesRequestSchema, toChatRequest, type MessagesRequest } from "../inbound/anthropic/request";
import type { ChatRequest, Warning } from "../types";

export const countTokensRequestSchema = messagesRequestSchema.extend({ max_tokens: z.number().int().positive().optional() });
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;

/** Fields Anthropic's count_tokens takes (the rest of a Messages body is refused there). */
const COUNTED_FIELDS = new Set([
  "model", "messages", "system", "tools", "tool_choice", "thinking", "output_config", "output_format", "mcp_servers", "context_management", "cache_control",
]);

/** Translation needs a max_tokens; a count has none, so this placeholder is set and then removed again. */
const PLACEHOLDER_MAX_TOKENS = 1;

export function ignoredFieldWarnings(request: CountTokensRequest): Warning[] {
  return Object.keys(request)
    .filter((field) => !COUNTED_FIELDS.has(field))
    .map((field) => ({ code: "unsupported_parameter", param: field, message: `'${field}' does not change a token count; it was not forwarded.` }));
}

/** The client's body as Anthropic's count_tokens takes it, for the upstream model id. */
export function toAnthropicCountBody(request: CountTokensRequest, upstreamModel: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(request)) if (COUNTED_FIELDS.has(field) && value !== undefined) body[field] = value;
  return { ...body, model: upstreamModel };
}

/** The pipeline's ChatRequest for the same conversation (for other providers' counts and the estimate). */
export function toCountChatRequest(request: CountTokensRequest): { chatRequest: ChatRequest; warnings: Warning[] } {
  const counted = Object.fromEntries(Object.entries(request).filter(([field]) => COUNTED_FIELDS.has(field)));
  const { chatRequest, warnings } = toChatRequest({ ...counted, max_tokens: PLACEHOLDER_MAX_TOKENS } as MessagesRequest);
  delete chatRequest.max_completion_tokens;
  return { chatRequest, warnings };
}
