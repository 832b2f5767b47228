import { indexPolicies, type CompiledPolicy } from "../policy/compile-policy";
import type { PolicyResidencyEntry, PolicyRuleEntry } from "../policy/rule-definition";
import { indexRateLimits, type OrgRateLimits, type RateLimitEntry } from "../rate-limit/rules";
import type { BudgetEntry } from "../budget/applicable";
import { toGroupEntry, type GroupEntry, type GroupRow } from "../routing/group-entry";
import type { ExperimentEntry } from "../experiments/assign-variant";
import type { CacheMode, CacheSettings, OrgCacheDefault } from "../cache/cache-settings";
import type { PromptCacheSettings, ProviderId } from "../types";
import type { ContextSettings } from "../context/context-settings";

export interface KeyEntry {
  id: string;
  orgId: string;
  teamId: string | null;
  name: string;
  prefix: string;
  hash: string;
  /** Null: every enabled model of the org. */
  allowedModels: ReadonlySet<string> | null;
  expiresAt: number | null;
  /** The member the key belongs to, and their role in the org (policy conditions); none for team and API keys. */
  userId?: string | null;
  role?: string | null;
  metadata?: Readonly<Record<string, string>>;
  /** The caller's region attribute (policy conditions, residency). */
  region?: string | null;
  /** What is stored of its requests beside the ledger row (the key's setting, else its team's). */
  bodyLogging?: "none" | "metadata" | "full";
  /** The response cache the key uses (its own mode, else the org's default); none: no cache (cache/cache-settings.ts). */
  cache?: CacheSettings;
  /** What `cache` was resolved from, for a model group with its own response_cache setting (cache-settings.ts). */
  cacheMode?: CacheMode | null;
  orgCache?: OrgCacheDefault;
}

export interface ConnectionEntry {
  id: string;
  orgId: string;
  kind: ProviderId;
  name: string;
  baseUrl: string;
  apiKey: string;
  /** Base URLs from the environment are the operator's; others are re-checked against private addresses at connect time. */
  trusted: boolean;
  region: string | null;
}

export interface PriceEntry {
  id: string;
  effectiveFrom: number;
  inputPerMtok: string;
  outputPerMtok: string;
  cachedInputPerMtok: string | null;
  cacheWritePerMtok: string | null;
  /** 1-hour cache writes; null or absent: the cache-write rate. */
  cacheWrite1hPerMtok?: string | null;
}

/** The org's own price for a model (org_model_prices); null rates: the override ended, the catalog price applies. */
export interface OrgPriceEntry {
  id: string;
  effectiveFrom: number;
  inputPerMtok: string | null;
  outputPerMtok: string | null;
  cachedInputPerMtok: string | null;
  cacheWritePerMtok: string | null;
  /** 1-hour cache writes; null or absent: the cache-write rate. */
  cacheWrite1hPerMtok?: string | null;
}

/** The org's discount in percent (up to four decimals) on its model's provider (provider_discounts). */
export interface DiscountEntry {
  id: string;
  effectiveFrom: number;
  percent: string;
}

export interface ModelEntry {
  id: string;
  orgId: string;
  name: string;
  upstreamModel: string;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  region: string | null;
  createdAt: number;
  connection: ConnectionEntry;
  /** Provider prompt caching outside a group (the org's prompt_cache_default); absent: the default, auto. */
  promptCache?: PromptCacheSettings;
  /** Context-window management of requests to this model by name (context/); absent: mode error. */
  context?: ContextSettings;
  /** Newest first. */
  prices: PriceEntry[];
  /** The org's own prices for this model, newest first (absent: none). */
  orgPrices?: OrgPriceEntry[];
  /** The org's discounts on this model's provider, newest first (absent: none). */
  discounts?: DiscountEntry[];
}

/** What the gateway knows about configuration; read from memory on the hot path. */
export interface ConfigSource {
  findKey(prefix: string): KeyEntry | undefined;
  findModel(orgId: string, name: string): ModelEntry | undefined;
  listModels(orgId: string): ModelEntry[];
  /** The org's rate limits, indexed once per snapshot. */
  findRateLimits(orgId: string): OrgRateLimits | undefined;
  /** The org's budgets (definitions only; their totals live in PostgreSQL). */
  findBudgets(orgId: string): readonly BudgetEntry[];
  /** The org's policy rules and residency, compiled once per snapshot; undefined when it has neither. */
  findPolicy(orgId: string): CompiledPolicy | undefined;
  /** The org's enabled model group of that name (routing/), resolved against its enabled models; absent: no groups. */
  findGroup?(orgId: string, name: string): GroupEntry | undefined;
  listGroups?(orgId: string): GroupEntry[];
  /** The org's running A/B experiment on that model or group name (experiments/). */
  findExperiment?(orgId: string, model: string): ExperimentEntry | undefined;
}

export interface ConfigSnapshot {
  keys: KeyEntry[];
  models: ModelEntry[];
  rateLimits?: RateLimitEntry[];
  budgets?: BudgetEntry[];
  policyRules?: PolicyRuleEntry[];
  policyResidency?: PolicyResidencyEntry[];
  groups?: GroupRow[];
  /** Running experiments only. */
  experiments?: ExperimentEntry[];
}

/**
 * An immutable in-memory ConfigSource (tests build one directly; production swaps snapshots).
 * Every model is also addressable as `<connection kind>/<model name>` (e.g. `anthropic/claude-haiku-4-5`), unless a
 * model with that exact name exists. The aliases are built here, once per snapshot, so the hot path stays one map
 * lookup; listModels returns plain names only. A key's allow-list names plain models, so each allowed model's alias
 * is added to that key's set.
 */
export function createStaticConfigSource(snapshot: ConfigSnapshot): ConfigSource {
  const modelsByOrg = new Map<string, Map<string, ModelEntry>>();
  for (const model of snapshot.models) {
    const byName = modelsByOrg.get(model.orgId) ?? new Map<string, ModelEntry>();
    byName.set(model.name, model);
    modelsByOrg.set(model.orgId, byName);
  }
  const lookupByOrg = new Map<string, Map<string, ModelEntry>>();
  const aliasesByOrg = new Map<string, Map<string, string>>();
  for (const [orgId, byName] of modelsByOrg) {
    const lookup = new Map(byName);
    const aliases = new Map<string, string>();
    for (const model of byName.values()) {
      const alias = providerAddress(model);
      if (byName.has(alias)) continue;
      lookup.set(alias, model);
      aliases.set(model.name, alias);
    }
    lookupByOrg.set(orgId, lookup);
    aliasesByOrg.set(orgId, aliases);
  }
  const keys = new Map(snapshot.keys.map((key) => [key.prefix, withAliases(key, aliasesByOrg.get(key.orgId))]));
  const rateLimits = indexRateLimits(snapshot.rateLimits ?? []);
  const budgetsByOrg = new Map<string, BudgetEntry[]>();
  for (const budget of snapshot.budgets ?? []) budgetsByOrg.set(budget.orgId, [...(budgetsByOrg.get(budget.orgId) ?? []), budget]);
  const policies = indexPolicies(snapshot.policyRules ?? [], snapshot.policyResidency ?? []);
  const groups = new Map<string, GroupEntry>();
  const groupsByOrg = new Map<string, GroupEntry[]>();
  for (const row of snapshot.groups ?? []) {
    const group = toGroupEntry(row, (name) => modelsByOrg.get(row.orgId)?.get(name));
    groups.set(`${row.orgId}\n${row.name}`, group);
    groupsByOrg.set(row.orgId, [...(groupsByOrg.get(row.orgId) ?? []), group]);
  }
  const experiments = new Map((snapshot.experiments ?? []).map((experiment) => [`${experiment.orgId}\n${experiment.model}`, experiment]));
  return {
    findExperiment: (orgId, model) => experiments.get(`${orgId}\n${model}`),
    listGroups: (orgId) => groupsByOrg.get(orgId) ?? [],
    findGroup: (orgId, name) => groups.get(`${orgId}\n${name}`),
    findBudgets: (orgId) => budgetsByOrg.get(orgId) ?? [],
    findPolicy: (orgId) => policies.get(orgId),
    findRateLimits: (orgId) => rateLimits.get(orgId),
    findKey: (prefix) => keys.get(prefix),
    findModel: (orgId, name) => lookupByOrg.get(orgId)?.get(name),
    listModels: (orgId) => [...(modelsByOrg.get(orgId)?.values() ?? [])],
  };
}

/** `<connection kind>/<model name>`: the address that picks a model's provider explicitly. */
export function providerAddress(model: ModelEntry): string {
  return `${model.connection.kind}/${model.name}`;
}

/** The key with its allow-list extended by the provider address of each allowed model. */
function withAliases(key: KeyEntry, aliases: ReadonlyMap<string, string> | undefined): KeyEntry {
  if (key.allowedModels === null || aliases === undefined) return key;
  const added = [...key.allowedModels].flatMap((name) => {
    const alias = aliases.get(name);
    return alias !== undefined && !key.allowedModels!.has(alias) ? [alias] : [];
  });
  if (added.length === 0) return key;
  return { ...key, allowedModels: new Set([...key.allowedModels, ...added]) };
}

/** The catalog (list) price in force at a time (prices are newest first). */
export function priceAt(model: ModelEntry, at: number): PriceEntry | undefined {
  return model.prices.find((price) => price.effectiveFrom <= at);
}

/** What prices a request at a time: the catalog price, the org's own price and the provider discount in force then. */
export interface Pricing {
  list: PriceEntry | undefined;
  /** The org's price row in force (its rates); undefined: none, or the override had ended. */
  orgPrice: (PriceEntry & { id: string }) | undefined;
  /** The discount in percent in force; null: none (or 0). */
  discountPercent: string | null;
}

export function pricingAt(model: ModelEntry, at: number): Pricing {
  const override = model.orgPrices?.find((price) => price.effectiveFrom <= at);
  const orgPrice =
    override && override.inputPerMtok !== null && override.outputPerMtok !== null
      ? { ...override, inputPerMtok: override.inputPerMtok, outputPerMtok: override.outputPerMtok }
      : undefined;
  const discount = model.discounts?.find((entry) => entry.effectiveFrom <= at);
  const discountPercent = discount && !/^0+(\.0*)?$/.test(discount.percent) ? discount.percent : null;
  return { list: priceAt(model, at), orgPrice, discountPercent };
}
