import type { ProviderId } from "../types";

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
  /** Newest first. */
  prices: PriceEntry[];
}

/** What the gateway knows about configuration; read from memory on the hot path. */
export interface ConfigSource {
  findKey(prefix: string): KeyEntry | undefined;
  findModel(orgId: string, name: string): ModelEntry | undefined;
  listModels(orgId: string): ModelEntry[];
}

export interface ConfigSnapshot {
  keys: KeyEntry[];
  models: ModelEntry[];
}

/** An immutable in-memory ConfigSource (tests build one directly; production swaps snapshots). */
export function createStaticConfigSource(snapshot: ConfigSnapshot): ConfigSource {
  const keys = new Map(snapshot.keys.map((key) => [key.prefix, key]));
  const modelsByOrg = new Map<string, Map<string, ModelEntry>>();
  for (const model of snapshot.models) {
    const byName = modelsByOrg.get(model.orgId) ?? new Map<string, ModelEntry>();
    byName.set(model.name, model);
    modelsByOrg.set(model.orgId, byName);
  }
  return {
    findKey: (prefix) => keys.get(prefix),
    findModel: (orgId, name) => modelsByOrg.get(orgId)?.get(name),
    listModels: (orgId) => [...(modelsByOrg.get(orgId)?.values() ?? [])],
  };
}

/** The price in force at a time (prices are newest first). */
export function priceAt(model: ModelEntry, at: number): PriceEntry | undefined {
  return model.prices.find((price) => price.effectiveFrom <= at);
}
