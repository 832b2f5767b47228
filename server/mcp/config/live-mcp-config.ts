import type { DatabaseHandle } from "@/db/client";
import { startLiveSnapshot } from "@/server/gateway/config/live-snapshot";
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
  const live = await startLiveSnapshot(handle, async () => createStaticMcpConfig(await load()), { ...options, label: "MCP config" });
  return {
    listServers: (orgId) => live.current.listServers(orgId),
    findServerBySlug: (orgId, slug) => live.current.findServerBySlug(orgId, slug),
    approvedHash: (serverId, tool) => live.current.approvedHash(serverId, tool),
    grantsFor: (orgId, keyId, teamId) => live.current.grantsFor(orgId, keyId, teamId),
    reload: live.reload,
    stop: live.stop,
  };
}
