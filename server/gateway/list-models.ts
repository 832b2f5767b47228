import type { ConfigSource, KeyEntry } from "./config/config-source";
import { isResidencyFor } from "./policy/evaluate-policy";
import { isRegionInAny } from "./policy/rule-definition";
import { isModelAllowed } from "./resolve-target";

/** GET /v1/models: the models this key may use (within the org's residency for this caller), in OpenAI's list shape. */
export function listModels(config: ConfigSource, key: KeyEntry, callerRegion: string | null) {
  const policy = config.findPolicy(key.orgId);
  const regions = policy?.residency && isResidencyFor(policy, callerRegion) ? policy.residency.regions : null;
  const data = config
    .listModels(key.orgId)
    .filter((model) => isModelAllowed(key, model.name) && (regions === null || isRegionInAny(model.region, regions)))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((model) => ({ id: model.name, object: "model", created: Math.floor(model.createdAt / 1000), owned_by: model.connection.kind }));
  return { object: "list", data };
}
