import type { Database } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { recordObservedToolRow } from "@/db/queries/mcp-servers";
import { describeError, logger } from "@/server/logger";
import type { McpServerEntry } from "./config/mcp-config-source";
import { findSuspiciousSigns } from "./suspicious-definition";
import type { CatalogTool } from "./tool-catalog";
import { exposeToolName } from "./tool-names";

export type DefinitionObserver = (server: McpServerEntry, tool: string, live: CatalogTool, approvedHash: string | undefined) => void;

/**
 * Records, off the response path, a live definition the gateway is hiding because its hash is not the approved one
 * (a rug pull, or a tool nobody reviewed yet), so the console shows it with the diff without waiting for the next
 * "Test connection". Each (server, tool, hash) is written once per process; the write is a no-op when the stored
 * definition is the same. A change of an approved tool is audited (actor "system").
 */
export function createDefinitionObserver(db: Database): DefinitionObserver {
  const seen = new Set<string>();
  return (server, tool, live, approvedHash) => {
    const once = `${server.id}/${tool}/${live.hash}`;
    if (seen.has(once)) return;
    seen.add(once);
    const flags = findSuspiciousSigns(live.definition);
    const exposed = exposeToolName(server.slug, tool);
    const status = flags.length > 0 ? "flagged" : approvedHash ? "changed" : "pending";
    void db
      .transaction(async (tx) => {
        const row = await recordObservedToolRow(tx, {
          serverId: server.id,
          name: tool,
          exposedName: exposed.ok ? exposed.name : null,
          exposeError: exposed.ok ? null : exposed.reason,
          definition: live.definition,
          definitionHash: live.hash,
          status,
          flags,
          seenAt: new Date(),
        });
        if (row && approvedHash) {
          await writeAudit(tx, { orgId: server.orgId, actor: "system", action: "mcp_tool.definition_changed", targetType: "mcp_tool", targetId: row.id, before: { hash: approvedHash }, after: { hash: live.hash, flags } });
        }
      })
      .catch((error) => {
        seen.delete(once);
        logger.warn("could not record a changed MCP tool definition", { mcp_server_id: server.id, ...describeError(error) });
      });
  };
}
