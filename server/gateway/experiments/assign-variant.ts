import type { ExperimentScope, ExperimentVariant } from "@/db/schema/experiments";
import type { ConfigSource, KeyEntry } from "../config/config-source";
import type { GatewayRequest } from "../contract";
import { isModelAllowed } from "../resolve-target";
import type { ChatRequest } from "../types";

/** A running experiment of the snapshot. */
export interface ExperimentEntry {
  id: string;
  orgId: string;
  name: string;
  model: string;
  variants: ExperimentVariant[];
  /** Absent: every key of the org. Else only these keys, and keys of these teams, are assigned. */
  scope?: { keyIds: ReadonlySet<string>; teamIds: ReadonlySet<string> };
}

/** The snapshot's entry for a running experiment row: the scope as two sets, absent when both lists are empty. */
export function toExperimentEntry(row: Omit<ExperimentEntry, "scope"> & { scope: ExperimentScope }): ExperimentEntry {
  const { scope, ...entry } = row;
  if (scope.key_ids.length === 0 && scope.team_ids.length === 0) return entry;
  return { ...entry, scope: { keyIds: new Set(scope.key_ids), teamIds: new Set(scope.team_ids) } };
}

/** Whether the experiment applies to requests of this key: no scope, or the key or its team is listed. */
export function isInScope(experiment: Pick<ExperimentEntry, "scope">, key: Pick<KeyEntry, "id" | "teamId">): boolean {
  const { scope } = experiment;
  return !scope || scope.keyIds.has(key.id) || (key.teamId !== null && scope.teamIds.has(key.teamId));
}

/** The header a caller may set to say who the end user is when it sends no `user`. */
export const SUBJECT_HEADER = "x-modelgate-subject";
const BUCKETS = 10_000;

/**
 * Sticky assignment (README "A/B experiments"): the end user (`user`, else the x-modelgate-subject header, else the
 * key) hashed with the experiment id picks a bucket of 10,000, and the variants own consecutive shares of them by
 * weight. The same end user always lands in the same variant while the weights stay; a variant whose target the key
 * may not use is never assigned (the request goes on as the caller sent it), and neither is a key outside the
 * experiment's scope (its keys and teams, from the snapshot: no query).
 */
export function assignVariant(config: Pick<ConfigSource, "findExperiment">, key: KeyEntry, chatRequest: ChatRequest, request: Pick<GatewayRequest, "header">): { chatRequest: ChatRequest; experiment?: { id: string; variant: string } } {
  const experiment = config.findExperiment?.(key.orgId, chatRequest.model);
  if (!experiment || !isInScope(experiment, key) || !isModelAllowed(key, experiment.model)) return { chatRequest };
  const subject = chatRequest.user ?? request.header(SUBJECT_HEADER)?.slice(0, 256) ?? `key:${key.id}`;
  const variant = pickVariant(experiment, subject);
  if (!variant || !isModelAllowed(key, variant.target)) return { chatRequest };
  return { chatRequest: { ...chatRequest, model: variant.target }, experiment: { id: experiment.id, variant: variant.name } };
}

export function pickVariant(experiment: Pick<ExperimentEntry, "id" | "variants">, subject: string): ExperimentVariant | undefined {
  const bucket = fnv1a(`${experiment.id}\n${subject}`) % BUCKETS;
  let edge = 0;
  for (const variant of experiment.variants) {
    edge += variant.weight * (BUCKETS / 100);
    if (bucket < edge) return variant;
  }
  return experiment.variants.at(-1);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
