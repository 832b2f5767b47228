import type { ChatMessage } from "../types";

/** A message as one transcript line for the summarizer: who said it, its text, its tool calls and results. */
export function renderMessage(message: ChatMessage): string {
  const content = "content" in message ? message.content : null;
  const text = typeof content === "string" ? content : Array.isArray(content) ? (content as { type: string; text?: string }[]).map((part) => (typeof part.text === "string" ? part.text : `[${part.type}]`)).join(" ") : "";
  if (message.role === "tool") return `tool result (${message.tool_call_id}): ${text}`;
  const calls = message.role === "assistant" && message.tool_calls ? message.tool_calls.map((call) => ` [called ${call.function.name}(${call.function.arguments})]`).join("") : "";
  return `${message.role}: ${text}${calls}`;
}

export function renderTranscript(messages: readonly ChatMessage[]): string {
  return messages.map(renderMessage).join("\n\n");
}

/**
 * The transcript cut to about `maxTokens` from its start (the latest part is kept), for a summarizer whose own
 * window is smaller than the history: characters are cut in proportion, with 10 % to spare.
 */
export function fitTranscript(transcript: string, tokens: number, maxTokens: number): { text: string; cut: boolean } {
  if (tokens <= maxTokens) return { text: transcript, cut: false };
  const keep = Math.floor((transcript.length * maxTokens * 0.9) / tokens);
  return { text: `[…earlier part cut]\n${transcript.slice(transcript.length - keep)}`, cut: true };
}
