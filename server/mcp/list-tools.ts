import type { KeyEntry } from "@/server/gateway/config/config-source";
import { findGrant, type McpServerEntry } from "./config/mcp-config-source";
import type { McpDeps } from "./contract";
import type { CatalogTool } from "./tool-catalog";
import { exposeToolName } from "./tool-names";

export interface ExposedTool {
  name: string;
  server: McpServerEntry;
  tool: CatalogTool;
}

/** The servers the key may reach at all (some grant names them or every server). */
export function grantedServers(deps: McpDeps, key: KeyEntry): McpServerEntry[] {
  const grants = deps.config.grantsFor(key.orgId, key.id, key.teamId);
  return deps.config.listServers(key.orgId).filter((server) => grants.some((grant) => grant.serverId === null || grant.serverId === server.id));
}

/**
 * What tools/list shows a key: every granted tool whose live definition is the approved one, named
 * `<slug>__<tool>`, sorted. Servers that are down are left out (their listing failed within the timeout).
 */
export async function listExposedTools(deps: McpDeps, key: KeyEntry): Promise<ExposedTool[]> {
  const grants = deps.config.grantsFor(key.orgId, key.id, key.teamId);
  const servers = grantedServers(deps, key);
  const perServer = await Promise.all(
    servers.map(async (server) => {
      const entry = await deps.catalog.get(server);
      if (!entry.ok) return [];
      const exposed: ExposedTool[] = [];
      for (const [name, tool] of entry.tools) {
        const approvedHash = deps.config.approvedHash(server.id, name);
        if (approvedHash !== tool.hash) {
          deps.observeDefinition?.(server, name, tool, approvedHash);
          continue;
        }
        if (!findGrant(grants, server.id, name)) continue;
        const exposedName = exposeToolName(server.slug, name);
        if (exposedName.ok) exposed.push({ name: exposedName.name, server, tool });
      }
      return exposed;
    }),
  );
  return perServer.flat().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function toListedTool(exposed: ExposedTool) {
  const { definition } = exposed.tool;
  return {
    name: exposed.name,
    ...(definition.title !== undefined ? { title: definition.title } : {}),
    ...(definition.description !== undefined ? { description: definition.description } : {}),
    inputSchema: definition.inputSchema as { type: "object"; [key: string]: unknown },
    ...(definition.outputSchema !== undefined ? { outputSchema: definition.outputSchema as { type: "object"; [key: string]: unknown } } : {}),
    ...(definition.annotations !== undefined ? { annotations: definition.annotations } : {}),
  };
}
