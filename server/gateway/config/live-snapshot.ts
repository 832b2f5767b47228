import type { DatabaseHandle } from "@/db/client";
import { listenConfigChanges } from "@/db/client";
import { describeError, logger } from "@/server/logger";

/** The current value of an in-memory configuration snapshot, and its upkeep. */
export interface LiveSnapshot<T> {
  readonly current: T;
  readonly loadedAt: number;
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A snapshot of the database held in memory: loaded once, reloaded when any replica commits a change (LISTEN/NOTIFY
 * on the config channel) and, as a safety net, every `refreshIntervalMs`. Bursts of notifications coalesce into one
 * more reload after the running one; a failed reload keeps the previous snapshot. The hot path only reads `current`.
 * Used by the gateway's config (live-config.ts) and the MCP gateway's (server/mcp/config/live-mcp-config.ts).
 */
export async function startLiveSnapshot<T>(handle: DatabaseHandle, load: () => Promise<T>, options: { refreshIntervalMs: number; label: string }): Promise<LiveSnapshot<T>> {
  let current = await load();
  let loadedAt = Date.now();
  let reloading: Promise<void> | null = null;
  let pending = false;

  async function reload(): Promise<void> {
    if (reloading) {
      pending = true;
      return reloading;
    }
    reloading = (async () => {
      do {
        pending = false;
        try {
          current = await load();
          loadedAt = Date.now();
        } catch (error) {
          logger.warn(`${options.label} reload failed; keeping the previous snapshot`, describeError(error));
        }
      } while (pending);
    })().finally(() => {
      reloading = null;
    });
    return reloading;
  }

  const unlisten = await listenConfigChanges(handle.raw, () => void reload()).catch((error) => {
    logger.warn(`${options.label} change notifications unavailable; relying on periodic refresh`, describeError(error));
    return async () => {};
  });
  const timer = setInterval(() => void reload(), options.refreshIntervalMs);
  timer.unref();
  return {
    get current() {
      return current;
    },
    get loadedAt() {
      return loadedAt;
    },
    reload,
    async stop() {
      clearInterval(timer);
      await unlisten();
    },
  };
}
