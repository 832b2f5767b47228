import type { ConfigSource, KeyEntry, ModelEntry } from "../config/config-source";
import { isModelAllowed } from "../resolve-target";
import { DEFAULT_CONTEXT_SETTINGS, type ContextSettings } from "./context-settings";

/** What a requested name fits into: the model (for a group, the deployment with the largest known window) and its settings. */
export interface ContextTarget {
  settings: ContextSettings;
  source: "group" | "model";
  /** The model whose window and tokenizer the prompt is fitted to; undefined: no window is known. */
  model?: ModelEntry & { contextWindow: number };
  /** A group's fallbacks, tried by its routing when its own deployments are too small. */
  fallbacks: string[];
}

function largest(models: readonly ModelEntry[]): (ModelEntry & { contextWindow: number }) | undefined {
  let best: (ModelEntry & { contextWindow: number }) | undefined;
  for (const model of models) if (model.contextWindow !== null && (!best || model.contextWindow > best.contextWindow)) best = model as ModelEntry & { contextWindow: number };
  return best;
}

/** The name as the key may use it (a group or a catalog model), or undefined (the later steps refuse it as before). */
export function findContextTarget(config: ConfigSource, key: KeyEntry, name: string): ContextTarget | undefined {
  if (!isModelAllowed(key, name)) return undefined;
  const group = config.findGroup?.(key.orgId, name);
  if (group) return { settings: group.definition.context ?? DEFAULT_CONTEXT_SETTINGS, source: "group", model: largest(group.deployments.map((deployment) => deployment.model)), fallbacks: group.definition.fallbacks };
  const model = config.findModel(key.orgId, name);
  if (!model) return undefined;
  return { settings: model.context ?? DEFAULT_CONTEXT_SETTINGS, source: "model", model: largest([model]), fallbacks: [] };
}

/** The largest known window a name (group or model) the key may use offers; undefined: none. */
export function windowOf(config: ConfigSource, key: KeyEntry, name: string): number | undefined {
  return findContextTarget(config, key, name)?.model?.contextWindow;
}
