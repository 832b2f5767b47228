/**
 * Automatic prompt-cache breakpoints on a Messages body (README "Provider prompt caching").
 *
 * Reference: https://platform.claude.com/docs/en/build-with-claude/prompt-caching
 * - The cached prefix is rendered tools → system → messages; a `cache_control: {type:"ephemeral", ttl?}` on a block
 *   caches everything up to and including it. At most 4 breakpoints per request (a 5th is a 400).
 * - A prefix shorter than the model's minimum is not cached (no error): 4096 tokens for Claude Opus 4.5/4.6 and
 *   Haiku 4.5, 2048 for Haiku 3 and 3.5, 1024 for the other models.
 * - ttl "5m" (default, writes at 1.25x the input price) or "1h" (writes at 2x); a breakpoint with a longer ttl must
 *   come before any with a shorter one.
 * Placement: after the last tool (the tool list), after the last system block (tools + system), and with
 * `conversation` on the last block of the last message (the next turn reads the history from the cache). Breakpoints
 * the caller set are kept and counted against the limit; each automatic one is added only when its prefix reaches the
 * minimum and no breakpoint sits there already. Token counts are estimated (3 characters a token, on the high side:
 * a breakpoint below the real minimum only goes unused).
 */
import type { PromptCacheSettings, Warning } from "@/server/gateway/types";

export const MAX_BREAKPOINTS = 4;
const CHARS_PER_TOKEN = 3;

type Block = Record<string, unknown>;
type Ttl = "5m" | "1h";

/** The smallest cacheable prefix for an Anthropic model id (also Vertex `claude-x@date`, Bedrock `anthropic.claude-x`). */
export function minimumCacheableTokens(model: string): number {
  const id = model.toLowerCase();
  if (/haiku-4|opus-4-[56]/.test(id)) return 4096;
  if (/claude-3-haiku|claude-3-5-haiku|haiku-3/.test(id)) return 2048;
  return 1024;
}

export function estimateTokens(value: unknown): number {
  return Math.ceil(JSON.stringify(value).length / CHARS_PER_TOKEN);
}

/** Adds breakpoints to `body` (tools, system, messages as built for the Messages API) in place. */
export function applyCacheBreakpoints(body: Block, settings: PromptCacheSettings | undefined, model: string, warnings: Warning[]): void {
  const positions = cacheablePositions(body);
  const existing = positions.filter((block) => block.cache_control !== undefined);
  if (existing.length > MAX_BREAKPOINTS) {
    warnings.push({ code: "other", param: "cache_control", message: `Anthropic accepts at most ${MAX_BREAKPOINTS} cache_control breakpoints; ${existing.length} were sent.` });
    return;
  }
  if (!settings || settings.mode === "off") return;
  const candidates = candidateBlocks(body, settings.conversation);
  let free = MAX_BREAKPOINTS - existing.length;
  const minimum = minimumCacheableTokens(model);
  // A caller's 1h breakpoint later on needs every earlier one to be 1h too.
  const isLong = settings.ttl === "1h" || existing.some((block) => (block.cache_control as { ttl?: Ttl }).ttl === "1h");
  const added = new Set<Block>();
  for (const candidate of candidates) {
    if (free === 0) break;
    if (candidate.block.cache_control !== undefined || candidate.prefixTokens < minimum) continue;
    candidate.place?.();
    candidate.block.cache_control = { type: "ephemeral", ...(isLong ? { ttl: "1h" } : {}) };
    added.add(candidate.block);
    free--;
  }
  if (added.size > 0) orderTtls(cacheablePositions(body), added);
}

interface Candidate {
  block: Block;
  /** Estimated tokens of the prefix up to and including this block. */
  prefixTokens: number;
  /** Puts the block into the body first (a string system prompt becomes this one text block). */
  place?: () => void;
}

/** The last tool, the last system block and (optionally) the last message block, with their prefix sizes. */
function candidateBlocks(body: Block, conversation: boolean): Candidate[] {
  const candidates: Candidate[] = [];
  const tools = Array.isArray(body.tools) ? (body.tools as Block[]) : [];
  let prefix = estimateTokens(tools);
  if (tools.length > 0) candidates.push({ block: tools[tools.length - 1], prefixTokens: prefix });
  prefix += estimateTokens(body.system ?? []);
  if (typeof body.system === "string") {
    const block: Block = { type: "text", text: body.system };
    candidates.push({ block, prefixTokens: prefix, place: () => (body.system = [block]) });
  } else if (Array.isArray(body.system) && body.system.length > 0) {
    candidates.push({ block: body.system[body.system.length - 1] as Block, prefixTokens: prefix });
  }
  if (conversation) {
    const messages = Array.isArray(body.messages) ? (body.messages as { content: Block[] }[]) : [];
    const last = messages.at(-1)?.content.at(-1);
    if (last && isCacheable(last)) candidates.push({ block: last, prefixTokens: prefix + estimateTokens(messages) });
  }
  return candidates;
}

/** Thinking blocks cannot carry cache_control (they are cached as part of the turn). */
function isCacheable(block: Block): boolean {
  return block.type !== "thinking" && block.type !== "redacted_thinking";
}

/** Every block that can hold a breakpoint, in prefix order (tools, system, messages). */
function cacheablePositions(body: Block): Block[] {
  const tools = Array.isArray(body.tools) ? (body.tools as Block[]) : [];
  const system = Array.isArray(body.system) ? (body.system as Block[]) : [];
  const messages = Array.isArray(body.messages) ? (body.messages as { content: Block[] }[]) : [];
  const blocks = [...tools, ...system];
  for (const message of messages) {
    for (const block of message.content) {
      blocks.push(block);
      if (block.type === "tool_result" && Array.isArray(block.content)) blocks.push(...(block.content as Block[]));
    }
  }
  return blocks;
}

/** A 1h breakpoint after a 5m one is a 400: an automatic breakpoint takes the shorter ttl of the caller's before it. */
function orderTtls(positions: Block[], added: ReadonlySet<Block>): void {
  let shortest: Ttl = "1h";
  for (const block of positions) {
    const control = block.cache_control as { type: string; ttl?: Ttl } | undefined;
    if (!control) continue;
    const ttl = control.ttl ?? "5m";
    if (ttl === "1h" && shortest === "5m" && added.has(block)) delete control.ttl;
    else if (ttl === "5m") shortest = "5m";
  }
}
