import { and, eq, isNotNull } from "drizzle-orm";
import type { Executor } from "../client";
import { auditLog, mcpCalls, mcpGrants, mcpServers, mcpTools } from "../schema";

/** The MCP endpoint's configuration in three queries: enabled servers, approved hashes, grants. */
export async function loadMcpRows(db: Executor) {
  const [servers, approved, grants] = await Promise.all([
    db.select().from(mcpServers).where(eq(mcpServers.enabled, true)),
    db
      .select({ serverId: mcpTools.serverId, tool: mcpTools.name, hash: mcpTools.approvedHash })
      .from(mcpTools)
      .innerJoin(mcpServers, and(eq(mcpServers.id, mcpTools.serverId), eq(mcpServers.enabled, true)))
      .where(isNotNull(mcpTools.approvedHash)),
    db.select().from(mcpGrants),
  ]);
  return { servers, approved: approved.map((row) => ({ serverId: row.serverId, tool: row.tool, hash: row.hash! })), grants };
}

export type McpCallInsert = typeof mcpCalls.$inferInsert;

export async function insertMcpCalls(db: Executor, rows: McpCallInsert[]): Promise<void> {
  if (rows.length > 0) await db.insert(mcpCalls).values(rows);
}

/** Denied calls, attributed to the key (source "system": the data plane wrote them). */
export async function insertMcpDenials(db: Executor, rows: { orgId: string; keyId: string; tool: string; reason: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(auditLog).values(
    rows.map((row) => ({ orgId: row.orgId, actor: `key:${row.keyId}`, action: "mcp.call_denied", targetType: "mcp_tool", targetId: row.tool, after: { reason: row.reason }, source: "system" as const })),
  );
}
