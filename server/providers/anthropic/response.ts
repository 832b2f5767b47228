/**
 * Anthropic Message (non-stream 2xx body) → ChatResult.
 *
 * References:
 * - https://platform.claude.com/docs/en/api/messages (response: content blocks, stop_reason, usage)
 * - https://platform.claude.com/docs/en/build-with-claude/handling-stop-reasons (stop reasons)
 * - https://platform.claude.com/docs/en/build-with-claude/extended-thinking (thinking blocks carry an opaque
 *   `signature`; redacted_thinking blocks carry encrypted `data`: both go back unmodified in tool loops, see
 *   #preserving-thinking-blocks and #thinking-redaction)
 * - https://platform.claude.com/docs/en/build-with-claude/prompt-caching (input_tokens excludes
 *   cache_read_input_tokens and cache_creation_input_tokens; total input is their sum; `cache_creation` splits the
 *   writes into ephemeral_5m_input_tokens and ephemeral_1h_input_tokens, 1h writes billed at 2x base input, 5m at 1.25x)
 */
import { replayableReasoning, type ReasoningBlock } from "@/server/gateway/reasoning-replay";
import { z } from "zod";
import type { ChatResult, ChatToolCall, FinishReason, Result, Usage } from "@/server/gateway/types";

export const usageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  cache_creation: z.looseObject({ ephemeral_5m_input_tokens: z.number().nullish(), ephemeral_1h_input_tokens: z.number().nullish() }).nullish(),
  output_tokens_details: z.looseObject({ thinking_tokens: z.number().nullish() }).nullish(),
});
export type AnthropicUsage = z.infer<typeof usageSchema>;

const contentBlockSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  thinking: z.string().optional(),
  signature: z.string().optional(),
  data: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  input: z.unknown().optional(),
});

const messageSchema = z.looseObject({
  id: z.string().optional(),
  content: z.array(contentBlockSchema),
  stop_reason: z.string().nullish(),
  usage: usageSchema.nullish(),
});

export function mapStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      // end_turn, stop_sequence, pause_turn, and anything newer.
      return "stop";
  }
}

/** Anthropic's split counts → OpenAI semantics (inputTokens includes cache reads and writes). */
export function toUsage(usage: AnthropicUsage): Usage {
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const result: Usage = { inputTokens: (usage.input_tokens ?? 0) + cacheRead + cacheWrite, outputTokens: usage.output_tokens ?? 0 };
  if (cacheRead > 0) result.cachedInputTokens = cacheRead;
  if (cacheWrite > 0) result.cacheWriteTokens = cacheWrite;
  // The 1h part of the writes (never more than all of them); without the split every write is priced as a 5m one.
  const written1h = Math.min(cacheWrite, usage.cache_creation?.ephemeral_1h_input_tokens ?? 0);
  if (written1h > 0) result.cacheWrite1hTokens = written1h;
  const thinking = usage.output_tokens_details?.thinking_tokens;
  if (thinking) result.reasoningTokens = thinking;
  return result;
}

export function parseResponse(body: unknown): Result<ChatResult> {
  const parsed = messageSchema.safeParse(body);
  if (!parsed.success) return malformed();
  const message = parsed.data;
  const texts: string[] = [];
  const reasoningBlocks: ReasoningBlock[] = [];
  const toolCalls: ChatToolCall[] = [];
  for (const block of message.content) {
    if (block.type === "text" && block.text !== undefined) texts.push(block.text);
    else if (block.type === "thinking" && block.thinking !== undefined) reasoningBlocks.push({ type: "thinking", thinking: block.thinking, signature: block.signature });
    else if (block.type === "redacted_thinking" && block.data !== undefined) reasoningBlocks.push({ type: "redacted_thinking", data: block.data });
    else if (block.type === "tool_use") {
      if (!block.id || !block.name) return malformed();
      toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    }
    // Server tool blocks and future block types carry nothing an OpenAI client reads.
  }
  const reasoning = reasoningBlocks.flatMap((block) => (block.type === "thinking" ? [block.thinking] : [])).join("");
  const result: ChatResult = {
    choices: [
      {
        index: 0,
        text: texts.length > 0 ? texts.join("") : null,
        ...(reasoning !== "" ? { reasoning } : {}),
        ...replayableReasoning(reasoningBlocks),
        ...(toolCalls.length > 0 ? { toolCalls } : {}),
        finishReason: mapStopReason(message.stop_reason),
      },
    ],
  };
  if (message.usage) result.usage = toUsage(message.usage);
  if (message.id) result.upstreamId = message.id;
  return { ok: true, value: result };
}

function malformed(): Result<ChatResult> {
  return { ok: false, error: { kind: "upstream", provider: "anthropic", status: 502, message: "malformed response" } };
}
