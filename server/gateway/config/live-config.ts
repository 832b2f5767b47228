import type { DatabaseHandle } from "@/db/client";
import { listenConfigChanges } from "@/db/client";
import { describeError, logger } from "@/server/logger";
import { createStaticConfigSource, type ConfigSnapshot, type ConfigSource } from "./config-source";

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
  let current = createStaticConfigSource(await load());
  let loadedAt = Date.now();
  let reloading: Promise<void> | null = null;
  let pending = false;

  async function reload(): Promise<void> {
    if (reloading) {
      // Coalesce bursts of notifications into one more reload after the running one.
      pending = true;
      return reloading;
    }
    reloading = (async () => {
      do {
        pending = false;
        try {
          current = createStaticConfigSource(await load());
          loadedAt = Date.now();
        } catch (error) {
          logger.warn("config reload failed; keeping the previous snapshot", describeError(error));
        }
      } while (pending);
    })().finally(() => {
      reloading = null;
    });
    return reloading;
  }

  const unlisten = await listenConfigChanges(handle.raw, () => void reload()).catch((error) => {
    logger.warn("config change notifications unavailable; relying on periodic refresh", describeError(error));
    return async () => {};
  });
  const timer = setInterval(() => void reload(), options.refreshIntervalMs);
  timer.unref();

  return {
    findKey: (prefix) => current.findKey(prefix),
    findModel: (orgId, name) => current.findModel(orgId, name),
    listModels: (orgId) => current.listModels(orgId),
    findRateLimits: (orgId) => current.findRateLimits(orgId),
    findBudgets: (orgId) => current.findBudgets(orgId),
    findPolicy: (orgId) => current.findPolicy(orgId),
    findGroup: (orgId, name) => current.findGroup?.(orgId, name),
    listGroups: (orgId) => current.listGroups?.(orgId) ?? [],
    findExperiment: (orgId, model) => current.findExperiment?.(orgId, model),
    reload,
    get loadedAt() {
      return loadedAt;
    },
    async stop() {
      clearInterval(timer);
      await unlisten();
    },
  };
}
