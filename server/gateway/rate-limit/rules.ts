/**
 * Rate-limit definitions as the gateway holds them in its config snapshot, and the lookup of those that
 * apply to one request. Built once per snapshot; the hot path does a handful of map lookups.
 */
export const rateLimitScopes = ["org", "key", "team", "user", "model"] as const;
export type RateLimitScope = (typeof rateLimitScopes)[number];
/** What a limit does when its shared store (Redis) cannot be reached: admit unchecked, or refuse with a 429. */
export type FailMode = "open" | "closed";
export const DEFAULT_FAIL_MODE: FailMode = "open";

export interface RateLimitEntry {
  id: string;
  orgId: string;
  scope: RateLimitScope;
  /** Null: the default for every key / team / end user / model of the org that has no limit of its own (always null for org). */
  scopeId: string | null;
  rpm: number | null;
  tpm: number | null;
  concurrency: number | null;
  failMode: FailMode;
}

/** One limit applied to one subject: the counters are kept per (scope, subject). */
export interface AppliedLimit {
  entry: RateLimitEntry;
  subject: string;
}

/** What a request is limited by: its key (and the key's team), the end user it names, the model it resolved to. */
export interface LimitSubjects {
  keyId: string;
  teamId: string | null;
  endUser: string | null;
  model: string | null;
}

export interface OrgRateLimits {
  org?: RateLimitEntry;
  specific: ReadonlyMap<string, RateLimitEntry>;
  defaults: ReadonlyMap<RateLimitScope, RateLimitEntry>;
}

export function indexRateLimits(entries: readonly RateLimitEntry[]): ReadonlyMap<string, OrgRateLimits> {
  type Building = { org?: RateLimitEntry; specific: Map<string, RateLimitEntry>; defaults: Map<RateLimitScope, RateLimitEntry> };
  const byOrg = new Map<string, Building>();
  for (const entry of entries) {
    const org: Building = byOrg.get(entry.orgId) ?? { specific: new Map(), defaults: new Map() };
    if (entry.scope === "org") org.org = entry;
    else if (entry.scopeId === null) org.defaults.set(entry.scope, entry);
    else org.specific.set(`${entry.scope}:${entry.scopeId}`, entry);
    byOrg.set(entry.orgId, org);
  }
  return byOrg;
}

/** Every limit that applies to a request: the subject's own limit, else its scope's default. */
export function applicableLimits(limits: OrgRateLimits | undefined, orgId: string, subjects: LimitSubjects): AppliedLimit[] {
  if (!limits) return [];
  const applied: AppliedLimit[] = [];
  if (limits.org) applied.push({ entry: limits.org, subject: orgId });
  const pairs: [RateLimitScope, string | null][] = [
    ["key", subjects.keyId],
    ["team", subjects.teamId],
    ["user", subjects.endUser],
    ["model", subjects.model],
  ];
  for (const [scope, subject] of pairs) {
    if (subject === null || subject === "") continue;
    const entry = limits.specific.get(`${scope}:${subject}`) ?? limits.defaults.get(scope);
    if (entry) applied.push({ entry, subject });
  }
  return applied;
}
