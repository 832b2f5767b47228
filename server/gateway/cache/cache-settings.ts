/** The response cache as a key uses it (README "Response cache"): resolved once per config snapshot. */
export interface CacheSettings {
  /** org: the org's keys share entries; key: each key has its own. Never shared across orgs. */
  scope: "org" | "key";
  ttlSeconds: number;
  /** The opt-in semantic cache: the embeddings model (a public model name of the org) and the similarity threshold. */
  semantic?: { model: string; threshold: number };
}

export type CacheMode = "off" | "org" | "key";

/** The key's own mode wins over the org's default; off (or neither set) leaves the key without a cache. */
export function resolveCacheSettings(
  keyMode: CacheMode | null | undefined,
  orgDefault: { mode: CacheMode; ttlSeconds: number; semanticModel?: string | null; semanticThreshold?: string | null } | undefined,
): CacheSettings | undefined {
  const mode = keyMode ?? orgDefault?.mode ?? "off";
  if (mode === "off") return undefined;
  const settings: CacheSettings = { scope: mode, ttlSeconds: orgDefault?.ttlSeconds ?? DEFAULT_CACHE_TTL_SECONDS };
  if (orgDefault?.semanticModel && orgDefault.semanticThreshold) settings.semantic = { model: orgDefault.semanticModel, threshold: Number(orgDefault.semanticThreshold) };
  return settings;
}

export const DEFAULT_CACHE_TTL_SECONDS = 3600;
export const MAX_CACHE_TTL_SECONDS = 30 * 86_400;
