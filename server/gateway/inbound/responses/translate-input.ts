import { replayableReasoning, type ReasoningBlock } from "@/server/gateway/reasoning-replay";
import type { ChatMessage, ContentPart } from "../../types";
import type { WarningList } from "../anthropic/translate-messages";
import type { ResponsesContentPart, ResponsesInputItem } from "./request";
import { REDACTED_PREFIX } from "./response";

type MessageItem = Extract<ResponsesInputItem, { role: string }>;
type AssistantMessage = Extract<ChatMessage, { role: "assistant" }>;

/**
 * Responses input items → chat messages. Consecutive function_call items join one assistant
 * message (after its text, if any); function_call_output items become `tool` messages; a
 * reasoning item's text rides on the next assistant message as reasoning_content, and its encrypted_content
 * (the gateway's own, response.ts) as reasoning_signature / redacted_reasoning.
 * Reference: https://platform.openai.com/docs/api-reference/responses/create (input items)
 */
export function translateInput(items: ResponsesInputItem[], warnings: WarningList): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let reasoning: ReasoningBlock[] = [];
  /** Moves the pending reasoning items onto `message`. */
  const attachReasoning = (message: AssistantMessage): void => {
    Object.assign(message, reasoningFields(reasoning, warnings));
    reasoning = [];
  };
  const assistant = (): AssistantMessage => {
    const last = messages.at(-1);
    if (last?.role === "assistant") return last;
    const created: AssistantMessage = { role: "assistant", content: null };
    messages.push(created);
    return created;
  };
  for (const item of items) {
    if ("role" in item && (item.type === undefined || item.type === "message")) {
      const message = item as MessageItem;
      const content = message.content;
      if (message.role === "assistant") {
        const text = typeof content === "string" ? content : partsText(content, warnings);
        const assistantMessage: AssistantMessage = { role: "assistant", content: text };
        attachReasoning(assistantMessage);
        messages.push(assistantMessage);
      } else if (message.role === "user") {
        messages.push({ role: "user", content: typeof content === "string" ? content : userParts(content, warnings) });
      } else {
        messages.push({ role: message.role, content: typeof content === "string" ? content : partsText(content, warnings) });
      }
      reasoning = [];
      continue;
    }
    switch (item.type) {
      case "function_call": {
        const call = item as Extract<ResponsesInputItem, { type: "function_call" }>;
        const message = assistant();
        if (reasoning.length > 0) attachReasoning(message);
        message.tool_calls = [...(message.tool_calls ?? []), { id: call.call_id, type: "function", function: { name: call.name, arguments: call.arguments } }];
        break;
      }
      case "function_call_output": {
        const output = item as Extract<ResponsesInputItem, { type: "function_call_output" }>;
        messages.push({ role: "tool", tool_call_id: output.call_id, content: typeof output.output === "string" ? output.output : partsText(output.output as ResponsesContentPart[], warnings) });
        break;
      }
      case "reasoning": {
        const block = item as Extract<ResponsesInputItem, { type: "reasoning" }>;
        const text = [...(block.content ?? []), ...(block.summary ?? [])].map((part) => part.text).join("");
        const encrypted = block.encrypted_content ?? undefined;
        if (encrypted?.startsWith(REDACTED_PREFIX)) reasoning.push({ type: "redacted_thinking", data: encrypted.slice(REDACTED_PREFIX.length) });
        else reasoning.push({ type: "thinking", thinking: text, signature: encrypted || undefined });
        break;
      }
      default:
        warnings.unsupported(`input.${item.type}`, `Input items of type '${item.type}' are not supported; the item was dropped.`);
    }
  }
  return messages;
}

/** Reasoning items → the assistant message's reasoning fields; only a sequence one message can rebuild keeps its state. */
function reasoningFields(blocks: ReasoningBlock[], warnings: WarningList): Partial<AssistantMessage> {
  const text = blocks.flatMap((block) => (block.type === "thinking" ? [block.thinking] : [])).join("");
  const replay = replayableReasoning(blocks);
  const isSigned = blocks.some((block) => block.type === "redacted_thinking" || block.signature);
  if (isSigned && !replay.reasoningSignature && !replay.redactedReasoning) {
    warnings.unsupported("input.reasoning.encrypted_content", "Only one signed reasoning item (then any redacted ones) per assistant turn can be sent back; encrypted_content was dropped.");
  }
  return {
    ...(text !== "" ? { reasoning_content: text } : {}),
    ...(replay.reasoningSignature ? { reasoning_signature: replay.reasoningSignature } : {}),
    ...(replay.redactedReasoning ? { redacted_reasoning: replay.redactedReasoning } : {}),
  };
}

function partsText(parts: ResponsesContentPart[], warnings: WarningList): string {
  return userParts(parts, warnings)
    .map((part) => (part.type === "text" ? part.text : (warnings.unsupported("input_image", "Images are only supported in user messages; the image was dropped."), "")))
    .join("");
}

function userParts(parts: ResponsesContentPart[], warnings: WarningList): ContentPart[] {
  const translated: ContentPart[] = [];
  for (const part of parts) {
    if ((part.type === "input_text" || part.type === "output_text") && typeof part.text === "string") translated.push({ type: "text", text: part.text });
    else if (part.type === "refusal" && typeof part.refusal === "string") translated.push({ type: "text", text: part.refusal });
    else if (part.type === "input_image" && typeof part.image_url === "string") {
      translated.push({ type: "image_url", image_url: { url: part.image_url, ...(part.detail ? { detail: part.detail as "auto" | "low" | "high" } : {}) } });
    } else warnings.unsupported(part.type, `Content parts of type '${part.type}' are not supported; the part was dropped.`);
  }
  return translated;
}
