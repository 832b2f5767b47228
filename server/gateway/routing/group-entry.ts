import type { DeploymentDefinition, GroupDefinition } from "@/db/schema/model-group-definition";
import type { ModelEntry } from "../config/config-source";

/** A deployment of a group with its catalog model resolved (config snapshot). */
export interface DeploymentEntry extends Omit<DeploymentDefinition, "model"> {
  /** The group it belongs to. */
  group: string;
  model: ModelEntry;
  /** The key its health, in-flight count and circuit are kept under: one per catalog model, shared by groups. */
  healthKey: string;
  /** Its group's prompt_cache setting (absent: the gateway default). */
  promptCache?: GroupDefinition["prompt_cache"];
}

/** An enabled model group of the snapshot: its definition and the deployments whose model is enabled. */
export interface GroupEntry {
  id: string;
  orgId: string;
  name: string;
  version: number;
  definition: GroupDefinition;
  deployments: DeploymentEntry[];
}

/** A group row as the snapshot loads it (enabled groups only). */
export interface GroupRow {
  id: string;
  orgId: string;
  name: string;
  version: number;
  definition: GroupDefinition;
}

/** Resolves a group's deployments against the org's enabled models (a disabled or deleted model drops out). */
export function toGroupEntry(row: GroupRow, findModel: (name: string) => ModelEntry | undefined): GroupEntry {
  const deployments: DeploymentEntry[] = [];
  for (const deployment of row.definition.deployments) {
    const model = findModel(deployment.model);
    if (model) deployments.push({ ...deployment, group: row.name, model, healthKey: model.id, promptCache: row.definition.prompt_cache });
  }
  return { id: row.id, orgId: row.orgId, name: row.name, version: row.version, definition: row.definition, deployments };
}
