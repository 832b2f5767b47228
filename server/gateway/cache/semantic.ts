import type { GatewayDeps } from "../deps";
import { createEmbeddings, EMBEDDINGS_ENDPOINT } from "../embeddings/create-embeddings";
import type { KeyEntry } from "../config/config-source";
import { newRecord } from "../ledger";
import { newRequestId } from "../request-id";
import type { ChatMessage, ChatRequest } from "../types";
import { computeCacheKey, type CacheKeyScope } from "./cache-key";
import type { CachedVector } from "./cache-store";

/**
 * The opt-in semantic cache (README "Response cache"): a request whose parameters match a stored answer's exactly
 * and whose text is close enough (cosine similarity of embeddings ≥ the org's threshold) is served that answer.
 * Only the text a user sees takes part in the similarity; everything else is in the parameters hash.
 */

/** The messages' text (string contents and text parts), one message a line, prefixed by its role. */
export function visibleText(request: ChatRequest): string {
  return request.messages.map((message) => `${message.role}: ${textOf(message.content)}`).join("\n");
}

/** The exact-match key of the request with its messages' text left out: what must still match exactly. */
export function paramsHash(scope: CacheKeyScope, request: ChatRequest): string {
  return computeCacheKey({ ...scope, target: `semantic:${scope.target}` }, { ...request, messages: request.messages.map(withoutText) });
}

export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    dot += a[index] * b[index];
    normA += a[index] * a[index];
    normB += b[index] * b[index];
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/** The most similar candidate at or above the threshold, if any. */
export function mostSimilar(vector: readonly number[], candidates: readonly CachedVector[], threshold: number): { hash: string; similarity: number } | undefined {
  let best: { hash: string; similarity: number } | undefined;
  for (const candidate of candidates) {
    const similarity = cosineSimilarity(vector, candidate.vector);
    if (similarity >= threshold && (!best || similarity > best.similarity)) best = { hash: candidate.hash, similarity };
  }
  return best;
}

/**
 * Embeds the text through the gateway's own /v1/embeddings path, as the key: admitted, budgeted and recorded as its
 * own ledger row (the embedding is billed like any other). Undefined when the call fails (the request then goes on
 * as an exact-cache miss).
 */
export async function embedText(deps: GatewayDeps, key: KeyEntry, model: string, text: string, signal: AbortSignal): Promise<number[] | undefined> {
  const record = newRecord(newRequestId(), key, EMBEDDINGS_ENDPOINT);
  const request = { method: "POST", path: EMBEDDINGS_ENDPOINT, header: () => undefined, readJson: async () => ({ ok: true as const, value: null }), signal };
  const response = await createEmbeddings(request, { model, input: text }, record, deps);
  if (response.type !== "json" || response.status !== 200) return undefined;
  const vector = (response.body as { data?: { embedding?: unknown }[] }).data?.[0]?.embedding;
  return Array.isArray(vector) && vector.every((value) => typeof value === "number") ? vector : undefined;
}

function textOf(content: ChatMessage["content"]): string {
  if (typeof content === "string") return content;
  if (!content) return "";
  return content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

function withoutText(message: ChatMessage): ChatMessage {
  const { content } = message;
  if (typeof content === "string") return { ...message, content: "" } as ChatMessage;
  if (!content) return message;
  return { ...message, content: content.map((part) => (part.type === "text" ? { type: "text", text: "" } : part)) } as ChatMessage;
}
