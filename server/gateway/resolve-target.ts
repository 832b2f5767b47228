import type { KeyEntry, ModelEntry, ConfigSource } from "./config/config-source";
import type { PromptCacheSettings, Result, Target } from "./types";

/** Catalog models outside a group, and groups that say nothing: automatic breakpoints, 5 minutes, no conversation one. */
export const DEFAULT_PROMPT_CACHE: PromptCacheSettings = { mode: "auto", ttl: "5m", conversation: false };
/** An org whose prompt_cache_default is off: its catalog models outside a group send only the caller's breakpoints. */
export const PROMPT_CACHE_OFF: PromptCacheSettings = { mode: "off", ttl: "5m", conversation: false };

export function isModelAllowed(key: KeyEntry, modelName: string): boolean {
  return key.allowedModels === null || key.allowedModels.has(modelName);
}

/** The model a caller named, if it exists, is enabled and the key may use it. */
export function resolveModel(config: ConfigSource, key: KeyEntry, modelName: string): Result<ModelEntry> {
  const model = config.findModel(key.orgId, modelName);
  if (!model || !isModelAllowed(key, modelName)) return { ok: false, error: { kind: "no_route", model: modelName } };
  return { ok: true, value: model };
}

export function toTarget(model: ModelEntry, promptCache: PromptCacheSettings = model.promptCache ?? DEFAULT_PROMPT_CACHE): Target {
  return {
    provider: model.connection.kind,
    connectionId: model.connection.id,
    baseUrl: model.connection.baseUrl,
    apiKey: model.connection.apiKey,
    upstreamModel: model.upstreamModel,
    modelName: model.name,
    maxOutputTokens: model.maxOutputTokens ?? undefined,
    promptCache,
  };
}
