/**
 * Prompt caching in the fake Anthropic API, as https://platform.claude.com/docs/en/build-with-claude/prompt-caching
 * describes it: the prompt is rendered tools → system → messages; a block with `cache_control` marks the end of a
 * cacheable prefix (at most 4 breakpoints); a prefix at least the model's minimum long (1024 tokens here) that was
 * seen before, within its ttl, is read from the cache (cache_read_input_tokens), else it is written
 * (cache_creation_input_tokens, split by ttl in `cache_creation`); the tokens after the last breakpoint are
 * input_tokens. The longest previously seen prefix wins. Tokens are counted as 4 characters each of the blocks' JSON.
 * Active with the [[fake:promptcache]] directive (anywhere in the request) so fixed-usage tests keep their numbers.
 */
import { createHash } from "node:crypto";

const MINIMUM_TOKENS = 1024;
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
  let tokens = 0;
  let read = 0;
  const written: Record<Ttl, number> = { "5m": 0, "1h": 0 };
  let covered = 0;
  for (const block of blocks) {
    const { cache_control: control, ...content } = block as Block & { cache_control?: { ttl?: Ttl } };
    hash.update(JSON.stringify(content));
    tokens += tokensOf(content);
    if (!control || tokens < MINIMUM_TOKENS) continue;
    const key = hash.copy().digest("hex");
    const ttl = control.ttl ?? "5m";
    const isHit = (cache.get(key) ?? 0) > now;
    cache.set(key, now + TTL_MS[ttl]);
    if (isHit) {
      read = tokens;
      written["5m"] = written["1h"] = 0;
    } else written[ttl] += tokens - covered;
    covered = tokens;
  }
  const creation = written["5m"] + written["1h"];
  return {
    input_tokens: tokens - read - creation,
    cache_creation_input_tokens: creation,
    cache_read_input_tokens: read,
    cache_creation: { ephemeral_5m_input_tokens: written["5m"], ephemeral_1h_input_tokens: written["1h"] },
  };
}
