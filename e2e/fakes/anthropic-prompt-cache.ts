/**
 * Prompt caching in the fake Anthropic API, as https://platform.claude.com/docs/en/build-with-claude/prompt-caching
 * describes it: the prompt is rendered tools → system → messages; a block with `cache_control` marks the end of a
 * cacheable prefix (at most 4 breakpoints); a prefix at least the model's minimum long (1024 tokens here) that was
 * seen before, within its ttl, is read from the cache (cache_read_input_tokens), else it is written
 * (cache_creation_input_tokens, split by ttl in `cache_creation`); the tokens after the last breakpoint are
 * input_tokens. The longest previously seen prefix wins, looked up at the 20 block boundaries up to each breakpoint. Tokens are counted as 4 characters each of the blocks' JSON.
 * Active with the [[fake:promptcache]] directive (anywhere in the request) so fixed-usage tests keep their numbers.
 */
import { createHash } from "node:crypto";

const MINIMUM_TOKENS = 1024;
const LOOKBACK_BLOCKS = 20;
const TTL_MS = { "5m": 5 * 60_000, "1h": 60 * 60_000 } as const;
type Ttl = keyof typeof TTL_MS;
type Block = Record<string, unknown>;

export interface CachedUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

/** Prefix hash → expiry (ms since epoch); one per fake process. */
const cache = new Map<string, number>();

const tokensOf = (block: unknown) => Math.ceil(JSON.stringify(block).length / 4);

/** The request's blocks in prefix order, each with whether it carries a breakpoint. */
function renderedBlocks(request: { tools?: unknown[]; system?: unknown; messages: { role: string; content: unknown }[] }): Block[] {
  const blocks: Block[] = [...((request.tools ?? []) as Block[])];
  if (typeof request.system === "string") blocks.push({ type: "text", text: request.system });
  else if (Array.isArray(request.system)) blocks.push(...(request.system as Block[]));
  for (const message of request.messages) {
    if (typeof message.content === "string") blocks.push({ role: message.role, type: "text", text: message.content });
    else for (const block of message.content as Block[]) blocks.push({ role: message.role, ...block });
  }
  return blocks;
}

export function promptCacheUsage(request: Parameters<typeof renderedBlocks>[0], now = Date.now()): CachedUsage {
  const blocks = renderedBlocks(request);
  const hash = createHash("sha256");
  const prefixes: { key: string; tokens: number; ttl?: Ttl }[] = [];
  let tokens = 0;
  for (const block of blocks) {
    const { cache_control: control, ...content } = block as Block & { cache_control?: { ttl?: Ttl } };
    hash.update(JSON.stringify(content));
    tokens += tokensOf(content);
    prefixes.push({ key: hash.copy().digest("hex"), tokens, ttl: control ? (control.ttl ?? "5m") : undefined });
  }
  const breakpoints = prefixes.flatMap((prefix, index) => (prefix.ttl && prefix.tokens >= MINIMUM_TOKENS ? [{ index, ...prefix, ttl: prefix.ttl }] : []));
  // The docs' lookback: a hit at any of the 20 block boundaries up to a breakpoint counts; the longest hit wins.
  let read = 0;
  for (const breakpoint of breakpoints) {
    for (let back = breakpoint.index; back >= Math.max(0, breakpoint.index - LOOKBACK_BLOCKS + 1); back--) {
      if ((cache.get(prefixes[back].key) ?? 0) > now) {
        read = Math.max(read, prefixes[back].tokens);
        break;
      }
    }
  }
  // Each breakpoint writes what lies between the previous one (or the hit) and itself.
  const written: Record<Ttl, number> = { "5m": 0, "1h": 0 };
  let covered = read;
  for (const breakpoint of breakpoints) {
    cache.set(breakpoint.key, now + TTL_MS[breakpoint.ttl]);
    if (breakpoint.tokens > covered) {
      written[breakpoint.ttl] += breakpoint.tokens - covered;
      covered = breakpoint.tokens;
    }
  }
  const total = tokens;
  const write5m = written["5m"];
  const write1h = written["1h"];
  return {
    input_tokens: total - read - write5m - write1h,
    cache_creation_input_tokens: write5m + write1h,
    cache_read_input_tokens: read,
    cache_creation: { ephemeral_5m_input_tokens: write5m, ephemeral_1h_input_tokens: write1h },
  };
}
