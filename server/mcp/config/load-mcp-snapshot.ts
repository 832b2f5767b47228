import type { Executor } from "@/db/client";
import { loadMcpRows } from "@/db/queries/mcp-snapshot";
import { decryptSecret } from "@/server/crypto/secret-box";
import { logger } from "@/server/logger";
import type { McpServerEntry, McpSnapshot } from "./mcp-config-source";

export async function loadMcpSnapshot(db: Executor, encryptionKey: Buffer): Promise<McpSnapshot> {
  const rows = await loadMcpRows(db);
  const servers: McpServerEntry[] = [];
  for (const row of rows.servers) {
    let credential: string | null = null;
    if (row.credentialCiphertext) {
      try {
        credential = decryptSecret(row.credentialCiphertext, encryptionKey);
      } catch {
        logger.error("MCP server credential cannot be decrypted (was GATEWAY_ENCRYPTION_KEY changed?)", { mcp_server_id: row.id });
        continue;
      }
    }
    servers.push({
      id: row.id,
      orgId: row.orgId,
      slug: row.slug,
      name: row.name,
      url: row.url,
      transport: row.transport,
      authMode: row.authMode,
      authHeaderName: row.authHeaderName,
      credential,
      oauthTokenUrl: row.oauthTokenUrl,
      oauthClientId: row.oauthClientId,
      oauthScope: row.oauthScope,
      timeoutMs: row.timeoutMs,
      forwardHeaders: row.forwardHeaders,
      logArguments: row.logArguments,
    });
  }
  const grants = rows.grants.map((grant) => ({
    id: grant.id,
    orgId: grant.orgId,
    subject: grant.subject,
    subjectId: grant.subjectId,
    serverId: grant.serverId,
    tool: grant.tool,
    rpm: grant.rpm,
    concurrency: grant.concurrency,
    costPerCallUsd: grant.costPerCallUsd,
  }));
  return { servers, approved: rows.approved, grants };
}
