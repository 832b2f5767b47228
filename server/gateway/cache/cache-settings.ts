/** The response cache as a key uses it (README "Response cache"): resolved once per config snapshot. */
export interface CacheSettings {
  /** org: the org's keys share entries; key: each key has its own. Never shared across orgs. */
  scope: "org" | "key";
  ttlSeconds: number;
  /** The opt-in semantic cache: the embeddings model (a public model name of the org) and the similarity threshold. */
  semantic?: { model: string; threshold: number };
}

export type CacheMode = "off" | "org" | "key";

/** The org's default as the snapshot loads it (response_cache_settings). */
export interface OrgCacheDefault {
  mode: CacheMode;
  ttlSeconds: number;
  semanticModel?: string | null;
  semanticThreshold?: string | null;
}

/** A model group's own setting (definition `response_cache`); inherit: the key's and the org's settings alone decide. */
export interface GroupCacheSetting {
  mode: "inherit" | CacheMode;
  ttl_seconds?: number;
  /** Absent: the org's semantic settings; null: no semantic lookup for this group. */
  semantic?: { model: string; threshold: number } | null;
}

/**
 * Which cache a request uses (README "Response cache", precedence): a group's `off` turns caching off for every key;
 * otherwise the key's own mode wins over the group's, and the group's over the org's default, except that sharing is
 * never wider than a level that narrowed it (a group or key saying `key` keeps entries per key). TTL and semantic
 * settings are the group's where it sets them, else the org's. Request headers then only skip the lookup or the store.
 */
export function resolveCacheSettings(keyMode: CacheMode | null | undefined, orgDefault: OrgCacheDefault | undefined, group?: GroupCacheSetting): CacheSettings | undefined {
  const groupMode = group && group.mode !== "inherit" ? group.mode : undefined;
  const mode = pickMode(keyMode ?? undefined, groupMode, orgDefault?.mode ?? "off");
  if (mode === "off") return undefined;
  const settings: CacheSettings = { scope: mode, ttlSeconds: (groupMode && group?.ttl_seconds) || orgDefault?.ttlSeconds || DEFAULT_CACHE_TTL_SECONDS };
  if (groupMode && group?.semantic !== undefined) {
    if (group.semantic) settings.semantic = { ...group.semantic };
  } else if (orgDefault?.semanticModel && orgDefault.semanticThreshold) settings.semantic = { model: orgDefault.semanticModel, threshold: Number(orgDefault.semanticThreshold) };
  return settings;
}

function pickMode(keyMode: CacheMode | undefined, groupMode: CacheMode | undefined, orgMode: CacheMode): CacheMode {
  if (groupMode === undefined) return keyMode ?? orgMode;
  if (groupMode === "off" || keyMode === "off") return "off";
  if (keyMode === undefined) return groupMode;
  return keyMode === "key" || groupMode === "key" ? "key" : "org";
}

export const DEFAULT_CACHE_TTL_SECONDS = 3600;
export const MAX_CACHE_TTL_SECONDS = 30 * 86_400;
