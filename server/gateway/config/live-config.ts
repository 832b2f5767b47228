import type { DatabaseHandle } from "@/db/client";
import { createStaticConfigSource, type ConfigSnapshot, type ConfigSource } from "./config-source";
import { startLiveSnapshot } from "./live-snapshot";

/**
 * A ConfigSource backed by an in-memory snapshot of the database. Reloaded when any replica
 * commits a change (LISTEN/NOTIFY on the config channel) and, as a safety net, every
 * `refreshIntervalMs`. The hot path only reads the current snapshot.
 */
export interface LiveConfig extends ConfigSource {
  reload(): Promise<void>;
  stop(): Promise<void>;
  readonly loadedAt: number;
}

export async function startLiveConfig(
  handle: DatabaseHandle,
  load: () => Promise<ConfigSnapshot>,
  options: { refreshIntervalMs: number },
): Promise<LiveConfig> {
  const live = await startLiveSnapshot(handle, async () => createStaticConfigSource(await load()), { ...options, label: "config" });
  return {
    findKey: (prefix) => live.current.findKey(prefix),
    findModel: (orgId, name) => live.current.findModel(orgId, name),
    listModels: (orgId) => live.current.listModels(orgId),
    findRateLimits: (orgId) => live.current.findRateLimits(orgId),
    findBudgets: (orgId) => live.current.findBudgets(orgId),
    findPolicy: (orgId) => live.current.findPolicy(orgId),
    findGroup: (orgId, name) => live.current.findGroup?.(orgId, name),
    listGroups: (orgId) => live.current.listGroups?.(orgId) ?? [],
    findExperiment: (orgId, model) => live.current.findExperiment?.(orgId, model),
    reload: live.reload,
    get loadedAt() {
      return live.loadedAt;
    },
    stop: live.stop,
  };
}
