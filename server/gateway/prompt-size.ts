import type { ChatRequest } from "./types";

/** The size of a chat request's prompt, measured in one pass for the estimates that need it (rate limits, budgets). */
export interface PromptSize {
  messages: number;
  /** Text characters (UTF-16 code units) of every message's content. */
  characters: number;
  /** UTF-8 bytes of the same text, plus the JSON of tool calls in messages. */
  bytes: number;
  /** Content parts without text (images, audio, files). */
  images: number;
}

export function measurePrompt(request: Pick<ChatRequest, "messages">): PromptSize {
  const size: PromptSize = { messages: request.messages.length, characters: 0, bytes: 0, images: 0 };
  const addText = (text: string) => {
    size.characters += text.length;
    size.bytes += Buffer.byteLength(text);
  };
  for (const message of request.messages) {
    const content = (message as { content?: unknown }).content;
    if (typeof content === "string") addText(content);
    else if (Array.isArray(content)) {
      for (const part of content as { type: string; text?: string }[]) {
        if (typeof part.text === "string") addText(part.text);
        else size.images++;
      }
    }
    const toolCalls = (message as { tool_calls?: unknown }).tool_calls;
    if (toolCalls) size.bytes += Buffer.byteLength(JSON.stringify(toolCalls));
  }
  return size;
}
