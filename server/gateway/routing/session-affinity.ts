import type { ChatRequest } from "../types";
import type { OrderedDeployment } from "./order-deployments";

/** What keeps a conversation on one deployment: the caller's `user`, its `prompt_cache_key`, or its stable prefix. */
export interface AffinityKey {
  source: "user" | "prompt_cache_key" | "prefix";
  value: string;
}

/** Below this, a system prompt is too short to say which conversation a request belongs to. */
const MIN_PREFIX_CHARACTERS = 64;

export function readAffinityKey(request: ChatRequest): AffinityKey | undefined {
  if (request.user) return { source: "user", value: request.user };
  const cacheKey = (request as { prompt_cache_key?: unknown }).prompt_cache_key;
  if (typeof cacheKey === "string" && cacheKey.length > 0) return { source: "prompt_cache_key", value: cacheKey };
  const first = request.messages[0] as { role: string; content?: unknown };
  if ((first.role === "system" || first.role === "developer") && typeof first.content === "string" && first.content.length >= MIN_PREFIX_CHARACTERS) {
    return { source: "prefix", value: first.content };
  }
  return undefined;
}

/**
 * Session affinity by weighted rendezvous hashing: every conversation key ranks the deployments the same way on every
 * replica (score = -weight / ln(hash(key, deployment))), so one conversation keeps reaching the same deployment and
 * its provider's prompt cache stays warm, while different conversations spread by weight. The winner among the
 * healthy, undemoted deployments moves to the front; when it fails, is cooling down or its circuit opens, the
 * strategy's order takes over again, and a removed deployment moves only its own conversations.
 */
export function applyAffinity(ordered: OrderedDeployment[], key: AffinityKey): OrderedDeployment[] {
  let winner: OrderedDeployment | undefined;
  let best = Number.NEGATIVE_INFINITY;
  for (const entry of ordered) {
    if (entry.note) continue;
    const draw = Math.max(fnv1a(`${key.value}\n${entry.deployment.healthKey}`) / 4294967296, 1e-12);
    const score = -entry.deployment.weight / Math.log(draw);
    if (score > best) [best, winner] = [score, entry];
  }
  if (!winner || winner === ordered[0]) return ordered;
  return [{ ...winner, note: `session affinity (${key.source})` }, ...ordered.filter((entry) => entry !== winner)];
}

/** FNV-1a, 32 bits: cheap, stable across processes. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
