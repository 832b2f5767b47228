import type { ConfigSource, KeyEntry } from "./config/config-source";
import { isModelAllowed } from "./resolve-target";

/** GET /v1/models: the models this key may use, in OpenAI's list shape. */
export function listModels(config: ConfigSource, key: KeyEntry) {
  const data = config
    .listModels(key.orgId)
    .filter((model) => isModelAllowed(key, model.name))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((model) => ({ id: model.name, object: "model", created: Math.floor(model.createdAt / 1000), owned_by: model.connection.kind }));
  return { object: "list", data };
}
