import { replayableReasoning, type ReasoningBlock } from "@/server/gateway/reasoning-replay";
import { cacheControlSchema } from "../../chat-request";
import type { CacheControl, ChatMessage, ContentPart, ToolCall, Warning } from "../../types";
import type { MessagesContentBlock, MessagesMessage, MessagesRequest } from "./request";

type Block<T extends MessagesContentBlock["type"]> = Extract<MessagesContentBlock, { type: T }>;
type SystemBlock = Exclude<MessagesRequest["system"], string | undefined>[number];

/** Collects warnings, reporting each parameter once per request. */
export class WarningList {
  readonly items: Warning[] = [];
  private readonly seen = new Set<string>();

  unsupported(param: string, message: string): void {
    this.add({ code: "unsupported_parameter", param, message });
  }

  add(warning: Warning): void {
    const key = `${warning.code}\u0000${warning.param ?? ""}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(warning);
  }
}

/** A breakpoint on a block the OpenAI shape has no place for (images, tool calls and results). */
export function noteCacheControl(block: Record<string, unknown>, warnings: WarningList): void {
  if (block.cache_control !== undefined) warnings.unsupported("cache_control", "cache_control breakpoints are kept on text blocks and tools only; the others were ignored.");
}

/** The breakpoint of a text block or tool, kept for Claude upstreams (README "Provider prompt caching"). */
export function readCacheControl(block: Record<string, unknown>, warnings: WarningList): { cache_control?: CacheControl } {
  if (block.cache_control == null) return {};
  const parsed = cacheControlSchema.safeParse(block.cache_control);
  if (parsed.success) return { cache_control: parsed.data };
  warnings.unsupported("cache_control", "cache_control must be {type: \"ephemeral\", ttl?: \"5m\" | \"1h\"}; an invalid one was ignored.");
  return {};
}

function imageUrl(block: Block<"image">): ContentPart {
  const url = block.source.type === "base64" ? `data:${block.source.media_type};base64,${block.source.data}` : block.source.url;
  return { type: "image_url", image_url: { url } };
}

export function translateSystem(system: MessagesRequest["system"], warnings: WarningList): ChatMessage[] {
  if (system === undefined) return [];
  if (typeof system === "string") return system === "" ? [] : [{ role: "system", content: system }];
  return system.length === 0 ? [] : [{ role: "system", content: system.map((block: SystemBlock) => ({ type: "text" as const, text: block.text, ...readCacheControl(block, warnings) })) }];
}

/** Anthropic turns → OpenAI messages: tool_result blocks become `tool` messages, tool_use blocks `tool_calls`. */
export function translateMessages(messages: MessagesMessage[], warnings: WarningList): ChatMessage[] {
  return messages.flatMap((message): ChatMessage[] => {
    if (typeof message.content === "string") return [{ role: message.role, content: message.content }];
    message.content.forEach((block) => {
      if (block.type !== "text" || message.role === "assistant") noteCacheControl(block, warnings);
    });
    return message.role === "user" ? userMessages(message.content, warnings) : [assistantMessage(message.content, warnings)];
  });
}

function userMessages(blocks: MessagesContentBlock[], warnings: WarningList): ChatMessage[] {
  const toolMessages: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case "tool_result":
        toolMessages.push({ role: "tool", tool_call_id: block.tool_use_id, content: toolResultText(block, warnings) });
        break;
      case "text":
        parts.push({ type: "text", text: block.text, ...readCacheControl(block, warnings) });
        break;
      case "image":
        parts.push(imageUrl(block));
        break;
      default:
        warnings.unsupported(block.type, `${block.type} blocks in user turns are not supported; the block was dropped.`);
    }
  }
  // Tool results answer the previous assistant turn, so they come before the user's own content.
  return parts.length > 0 ? [...toolMessages, { role: "user", content: parts }] : toolMessages;
}

function toolResultText(block: Block<"tool_result">, warnings: WarningList): string {
  let text = "";
  if (typeof block.content === "string") text = block.content;
  else {
    for (const part of block.content ?? []) {
      noteCacheControl(part, warnings);
      if (part.type === "text") text += (text ? "\n" : "") + part.text;
      else warnings.unsupported("tool_result.image", "Images in tool results are not supported; the image was dropped.");
    }
  }
  if (block.is_error) {
    warnings.add({ code: "other", param: "is_error", message: "is_error has no equivalent; the tool result was sent prefixed with 'Error: '." });
    return `Error: ${text}`;
  }
  return text;
}

/**
 * An assistant turn → one assistant message. Its thinking block travels as reasoning_content + reasoning_signature
 * and its redacted_thinking blocks as redacted_reasoning, so an Anthropic upstream gets them back unmodified (see
 * https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks). A sequence
 * one message cannot rebuild (several thinking blocks, or redacted ones first) keeps its text only, with a warning.
 */
function assistantMessage(blocks: MessagesContentBlock[], warnings: WarningList): ChatMessage {
  const texts: string[] = [];
  const reasoningBlocks: ReasoningBlock[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case "text":
        texts.push(block.text);
        break;
      case "thinking":
        reasoningBlocks.push({ type: "thinking", thinking: block.thinking, signature: block.signature || undefined });
        break;
      case "redacted_thinking":
        reasoningBlocks.push({ type: "redacted_thinking", data: block.data });
        break;
      case "tool_use":
        toolCalls.push({ id: block.id, type: "function", function: { name: block.name, arguments: JSON.stringify(block.input) } });
        break;
      default:
        warnings.unsupported(block.type, `${block.type} blocks in assistant turns are not supported; the block was dropped.`);
    }
  }
  const reasoning = reasoningBlocks.flatMap((block) => (block.type === "thinking" ? [block.thinking] : [])).join("");
  const replay = replayableReasoning(reasoningBlocks);
  const isSigned = reasoningBlocks.some((block) => block.type === "redacted_thinking" || block.signature);
  if (isSigned && !replay.reasoningSignature && !replay.redactedReasoning) {
    warnings.unsupported("thinking", "Only one signed thinking block (then any redacted_thinking blocks) per assistant turn can be sent back; the signatures were dropped.");
  }
  return {
    role: "assistant",
    content: texts.length > 0 ? texts.join("") : toolCalls.length > 0 ? null : "",
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(reasoning !== "" ? { reasoning_content: reasoning } : {}),
    ...(replay.reasoningSignature ? { reasoning_signature: replay.reasoningSignature } : {}),
    ...(replay.redactedReasoning ? { redacted_reasoning: replay.redactedReasoning } : {}),
  };
}
