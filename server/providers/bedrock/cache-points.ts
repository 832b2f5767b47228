/**
 * Automatic prompt-cache checkpoints on a Converse body for Claude models (README "Provider prompt caching").
 *
 * References:
 * - https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_CachePointBlock.html (`cachePoint: {type:
 *   "default", ttl?: "5m" | "1h"}`, a block of its own in `system`, in a message's `content`, or in `toolConfig.tools`)
 * - https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html (everything before a checkpoint is the
 *   cached prefix, rendered tools → system → messages; at most 4 checkpoints; a prefix below the model's minimum is not
 *   cached; usage reports cacheReadInputTokens / cacheWriteInputTokens; the 1-hour ttl on Claude Opus 4.5, Sonnet 4.5,
 *   Haiku 4.5 and later, with checkpoint ttls non-increasing along the prefix)
 * Placement mirrors the Anthropic adapter (../anthropic/cache-breakpoints.ts): after the tool list, after the system
 * blocks and, with `conversation`, after the last message's content; each only when its prefix reaches the minimum.
 * Other model families on Bedrock (Nova, Llama, Mistral, …) get no checkpoints here.
 */
import type { PromptCacheSettings, Warning } from "@/server/gateway/types";
import { MAX_BREAKPOINTS, estimateTokens, minimumCacheableTokens } from "../anthropic/cache-breakpoints";

type Block = Record<string, unknown>;

const CLAUDE_MODEL = /(^|\.)anthropic\.claude-/;
/** Claude models whose cache points accept the 1-hour ttl: 4.5 and later generations. */
const LONG_TTL_MODEL = /claude-(opus|sonnet|haiku)-(4-[5-9]|[5-9])/;

export function applyCachePoints(body: Block, settings: PromptCacheSettings | undefined, modelId: string, warnings: Warning[]): void {
  if (!settings || settings.mode === "off" || !CLAUDE_MODEL.test(modelId)) return;
  const minimum = minimumCacheableTokens(modelId);
  let ttl: "5m" | "1h" | undefined;
  if (settings.ttl === "1h") {
    if (LONG_TTL_MODEL.test(modelId)) ttl = "1h";
    else warnings.push({ code: "other", param: "prompt_cache.ttl", message: "This Claude model on Bedrock has no 1-hour prompt cache; its cache points use the default 5 minutes." });
  }
  const point = (): Block => ({ cachePoint: { type: "default", ...(ttl ? { ttl } : {}) } });
  const toolConfig = body.toolConfig as { tools?: Block[] } | undefined;
  const tools = toolConfig?.tools ?? [];
  const system = Array.isArray(body.system) ? (body.system as Block[]) : [];
  const messages = Array.isArray(body.messages) ? (body.messages as { content: Block[] }[]) : [];
  const targets: { list: Block[]; prefixTokens: number }[] = [];
  let prefix = estimateTokens(tools);
  if (tools.length > 0) targets.push({ list: tools, prefixTokens: prefix });
  prefix += estimateTokens(system);
  if (system.length > 0) targets.push({ list: system, prefixTokens: prefix });
  const last = messages.at(-1);
  if (settings.conversation && last && last.content.length > 0) targets.push({ list: last.content, prefixTokens: prefix + estimateTokens(messages) });
  let free = MAX_BREAKPOINTS;
  for (const target of targets) {
    if (free === 0) break;
    if (target.prefixTokens < minimum || target.list.at(-1)?.cachePoint !== undefined) continue;
    target.list.push(point());
    free--;
  }
}
