import type { CachedAnswer } from "./cached-answer";

/**
 * Where cached answers live: Redis when REDIS_URL is set, else PostgreSQL. A lookup is one round trip; entries are
 * addressed by (org, hash) so no org can ever read another's, whatever the hash.
 */
export interface CacheStore {
  readonly kind: "redis" | "postgres";
  /** The entry if present and unexpired; undefined on a miss or when the store cannot answer (a miss, never an error). */
  get(orgId: string, hash: string): Promise<CachedAnswer | undefined>;
  set(orgId: string, hash: string, answer: CachedAnswer, ttlSeconds: number): Promise<void>;
  /** The semantic index: the newest vectors stored for (org, parameters hash), at most SEMANTIC_CANDIDATES; [] when the store cannot answer. */
  recentVectors(orgId: string, paramsHash: string): Promise<CachedVector[]>;
  rememberVector(orgId: string, paramsHash: string, entry: CachedVector, ttlSeconds: number): Promise<void>;
  stop(): Promise<void>;
}

/** One answer's place in the semantic index: its exact hash and the embedding of its request's text. */
export interface CachedVector {
  hash: string;
  vector: number[];
}

/** How many recent answers per (org, parameters hash) a semantic lookup compares against. */
export const SEMANTIC_CANDIDATES = 200;
