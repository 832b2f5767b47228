/**
 * Claude's signed thinking, in the gateway's normalized shape: which reasoning blocks a ChatChoice can carry
 * (`reasoningSignature`, `redactedReasoning`) so that every inbound encoder and the Anthropic adapter rebuild them
 * exactly. Provider-neutral on purpose: the inbound formats use it without depending on an adapter.
 * Reference: https://platform.claude.com/docs/en/build-with-claude/extended-thinking#preserving-thinking-blocks
 */

/** A thinking or redacted_thinking block, in answer order. */
export type ReasoningBlock = { type: "thinking"; thinking: string; signature?: string } | { type: "redacted_thinking"; data: string };

/**
 * The signature and redacted data a ChatChoice can carry so the blocks replay exactly: at most one thinking block,
 * signed, ahead of any redacted ones. Any other sequence (interleaved thinking) cannot be rebuilt from one reasoning
 * string, so it carries neither: the next tool-loop turn then runs without thinking, with a warning (request.ts).
 */
export function replayableReasoning(blocks: ReasoningBlock[]): { reasoningSignature?: string; redactedReasoning?: string[] } {
  const thinking = blocks.filter((block) => block.type === "thinking");
  const redacted = blocks.flatMap((block) => (block.type === "redacted_thinking" ? [block.data] : []));
  if (thinking.length > 1 || (thinking.length === 1 && (blocks[0] !== thinking[0] || !thinking[0].signature))) return {};
  return { ...(thinking[0]?.signature ? { reasoningSignature: thinking[0].signature } : {}), ...(redacted.length > 0 ? { redactedReasoning: redacted } : {}) };
}
