import type { ConfigSource, KeyEntry } from "./config/config-source";
import { isResidencyFor } from "./policy/evaluate-policy";
import { isRegionInAny } from "./policy/rule-definition";
import { isModelAllowed } from "./resolve-target";

/**
 * GET /v1/models: the models and model groups this key may use (within the org's residency for this caller: a group
 * when at least one of its deployments is within it), in OpenAI's list shape.
 */
export function listModels(config: ConfigSource, key: KeyEntry, callerRegion: string | null) {
  const policy = config.findPolicy(key.orgId);
  const regions = policy?.residency && isResidencyFor(policy, callerRegion) ? policy.residency.regions : null;
  const data: { id: string; object: string; created: number; owned_by: string }[] = config
    .listModels(key.orgId)
    .filter((model) => isModelAllowed(key, model.name) && (regions === null || isRegionInAny(model.region, regions)))
    .map((model) => ({ id: model.name, object: "model", created: Math.floor(model.createdAt / 1000), owned_by: model.connection.kind }));
  for (const group of config.listGroups?.(key.orgId) ?? []) {
    const reachable = group.deployments.some((deployment) => regions === null || isRegionInAny(deployment.model.region, regions));
    if (isModelAllowed(key, group.name) && reachable && group.deployments.length > 0) {
      data.push({ id: group.name, object: "model", created: Math.floor(Math.min(...group.deployments.map((deployment) => deployment.model.createdAt)) / 1000), owned_by: "modelgate" });
    }
  }
  data.sort((a, b) => a.id.localeCompare(b.id));
  return { object: "list", data };
}
