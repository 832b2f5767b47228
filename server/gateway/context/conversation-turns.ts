import type { ChatMessage } from "../types";

/**
 * A conversation cut where it can be cut without breaking it: system and developer messages are pinned (kept, in
 * place); the rest is split into turns, each starting at a user message and running to the next one, so an
 * assistant's tool calls and their tool results always stay in one turn (a tool result is never orphaned) and what
 * remains after dropping whole turns still starts with a user message. Messages before the first user message form
 * a turn of their own. The last turn (the latest user message and what follows it) is never cut.
 */
export interface Conversation {
  /** Indexes of system and developer messages. */
  pinned: number[];
  /** Turns in order, each a list of message indexes; the last one is the latest turn. */
  turns: number[][];
}

const isInstruction = (message: ChatMessage) => message.role === "system" || message.role === "developer";

export function splitConversation(messages: readonly ChatMessage[]): Conversation {
  const pinned: number[] = [];
  const turns: number[][] = [];
  messages.forEach((message, index) => {
    if (isInstruction(message)) return void pinned.push(index);
    if (message.role === "user" || turns.length === 0) turns.push([index]);
    else turns[turns.length - 1].push(index);
  });
  return { pinned, turns };
}

/** The messages left when the first `dropped` turns are removed (pinned messages stay where they were). */
export function keepMessages(messages: readonly ChatMessage[], conversation: Conversation, dropped: number): ChatMessage[] {
  const removed = new Set(conversation.turns.slice(0, dropped).flat());
  return messages.filter((_, index) => !removed.has(index));
}
