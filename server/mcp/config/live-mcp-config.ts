import { listenConfigChanges, type DatabaseHandle } from "@/db/client";
import { describeError, logger } from "@/server/logger";
import { createStaticMcpConfig, type McpConfigSource, type McpSnapshot } from "./mcp-config-source";

export interface LiveMcpConfig extends McpConfigSource {
  reload(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The MCP snapshot in memory, reloaded on the config channel's notifications (every admin change sends one) and
 * every `refreshIntervalMs` as a safety net; requests never query configuration. So a grant change applies on the
 * next request once the notification arrives.
 */
export async function startLiveMcpConfig(handle: DatabaseHandle, load: () => Promise<McpSnapshot>, options: { refreshIntervalMs: number }): Promise<LiveMcpConfig> {
  let current = createStaticMcpConfig(await load());
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
          current = createStaticMcpConfig(await load());
        } catch (error) {
          logger.warn("MCP config reload failed; keeping the previous snapshot", describeError(error));
        }
      } while (pending);
    })().finally(() => {
      reloading = null;
    });
    return reloading;
  }
  const unlisten = await listenConfigChanges(handle.raw, () => void reload()).catch((error) => {
    logger.warn("MCP config notifications unavailable; relying on periodic refresh", describeError(error));
    return async () => {};
  });
  const timer = setInterval(() => void reload(), options.refreshIntervalMs);
  timer.unref();
  return {
    listServers: (orgId) => current.listServers(orgId),
    findServerBySlug: (orgId, slug) => current.findServerBySlug(orgId, slug),
    approvedHash: (serverId, tool) => current.approvedHash(serverId, tool),
    grantsFor: (orgId, keyId, teamId) => current.grantsFor(orgId, keyId, teamId),
    reload,
    async stop() {
      clearInterval(timer);
      await unlisten();
    },
  };
}
