/** The response cache as a key uses it (README "Response cache"): resolved once per config snapshot. */
export interface CacheSettings {
  /** org: the org's keys share entries; key: each key has its own. Never shared across orgs. */
  scope: "org" | "key";
  ttlSeconds: number;
}

export type CacheMode = "off" | "org" | "key";

/** The key's own mode wins over the org's default; off (or neither set) leaves the key without a cache. */
export function resolveCacheSettings(keyMode: CacheMode | null | undefined, orgDefault: { mode: CacheMode; ttlSeconds: number } | undefined): CacheSettings | undefined {
  const mode = keyMode ?? orgDefault?.mode ?? "off";
  if (mode === "off") return undefined;
  return { scope: mode, ttlSeconds: orgDefault?.ttlSeconds ?? DEFAULT_CACHE_TTL_SECONDS };
}

export const DEFAULT_CACHE_TTL_SECONDS = 3600;
export const MAX_CACHE_TTL_SECONDS = 30 * 86_400;
