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
  stop(): Promise<void>;
}
