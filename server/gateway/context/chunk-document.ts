import type { ChatMessage } from "../types";

/** The instruction and the document of a user message to split (README "Context-window management", split). */
export interface DocumentMessage {
  instruction: string;
  document: string;
}

/**
 * Several text parts: the longest is the document, the others (in order) the instruction. One string: the first
 * paragraph (up to the first blank line) is the instruction, the rest the document. Undefined: no document found.
 */
export function readDocumentMessage(message: ChatMessage | undefined): DocumentMessage | undefined {
  if (!message || message.role !== "user") return undefined;
  if (typeof message.content === "string") {
    const breakAt = message.content.search(/\r?\n\s*\r?\n/);
    if (breakAt < 0) return undefined;
    const instruction = message.content.slice(0, breakAt).trim();
    const document = message.content.slice(breakAt).trim();
    return instruction && document ? { instruction, document } : undefined;
  }
  const texts = message.content.filter((part): part is { type: "text"; text: string } => part.type === "text");
  if (texts.length < 2 || texts.length !== message.content.length) return undefined;
  const longest = texts.reduce((best, part) => (part.text.length > best.text.length ? part : best));
  return { instruction: texts.filter((part) => part !== longest).map((part) => part.text).join("\n\n"), document: longest.text };
}

/**
 * Token ranges [start, end) of parts of at most `size` tokens, each starting `overlap` tokens before the previous
 * one's end, covering all `length` tokens. The overlap is capped below half the size, so every part moves forward.
 */
export function chunkRanges(length: number, size: number, overlap: number): [number, number][] {
  if (size < 1) throw new Error("chunk size must be positive");
  const step = size - Math.min(overlap, Math.floor((size - 1) / 2));
  const ranges: [number, number][] = [];
  for (let start = 0; ; start += step) {
    const end = Math.min(start + size, length);
    ranges.push([start, end]);
    if (end >= length) return ranges;
  }
}
