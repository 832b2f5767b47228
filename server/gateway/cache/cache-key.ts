import { createHash } from "node:crypto";
import type { ChatRequest } from "../types";

/**
 * The request fields that never change an answer, left out of the key: how it is delivered (`stream`,
 * `stream_options`: a hit is replayed either way) and who asked, for the provider's abuse monitoring and stored
 * completions (`user`, `metadata`). Every other field of the request — known or not — is part of the key.
 */
export const UNKEYED_FIELDS: ReadonlySet<string> = new Set(["stream", "stream_options", "user", "metadata"]);

/** Who may share an entry and what answers the request: the parts of the key besides the request body. */
export interface CacheKeyScope {
  orgId: string;
  /** Set when the key's cache is per key: the key id is part of the hash. */
  keyId?: string;
  /** The inbound format's endpoint (/v1/chat/completions, /v1/messages, /v1/responses). */
  endpoint: string;
  /** What the model name resolved to: a catalog model (id and upstream model) or a model group (id and version). */
  target: string;
  /** The A/B experiment variant the request was assigned to: variants never share answers. */
  variant?: string;
}

/**
 * The cache key: SHA-256 (hex) of one canonical JSON text of the scope and the request. Canonical: object keys
 * sorted, null and absent fields alike left out (the API treats them the same), arrays kept in order (message,
 * tool and stop order change answers). Two requests share a key only when every answer-changing field is equal.
 */
export function computeCacheKey(scope: CacheKeyScope, request: ChatRequest): string {
  const keyed: Record<string, unknown> = {};
  for (const field of Object.keys(request)) if (!UNKEYED_FIELDS.has(field)) keyed[field] = (request as Record<string, unknown>)[field];
  const text = canonicalJson({ v: 1, org: scope.orgId, key: scope.keyId, endpoint: scope.endpoint, target: scope.target, variant: scope.variant, request: keyed });
  return createHash("sha256").update(text).digest("hex");
}

/** JSON with sorted object keys and no null or undefined members: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const name of Object.keys(record).sort()) {
    const member = record[name];
    if (member === null || member === undefined) continue;
    members.push(`${JSON.stringify(name)}:${canonicalJson(member)}`);
  }
  return `{${members.join(",")}}`;
}

/** The scope's `target`: a group by id and version (a new version is a new answer), else the catalog model and its upstream model. */
export function cacheTarget(group: { id: string; version: number } | undefined, model: { id: string; upstreamModel: string }): string {
  return group ? `group:${group.id}@v${group.version}` : `model:${model.id}:${model.upstreamModel}`;
}
