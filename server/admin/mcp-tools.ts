import { z } from "zod";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { findMcpServer, findMcpTool, listMcpToolRows, updateMcpServerRow, updateMcpToolRow, upsertMcpToolRow, type McpServerRow, type McpToolRow } from "@/db/queries/mcp-servers";
import { getEncryptionKey } from "@/server/crypto/instance-secrets";
import { decryptSecret } from "@/server/crypto/secret-box";
import { env } from "@/server/env";
import type { McpServerEntry } from "@/server/mcp/config/mcp-config-source";
import { getMcpRuntime } from "@/server/mcp/runtime";
import { planToolSync } from "@/server/mcp/sync-tools";
import { checkOutboundUrl, parseAllowList } from "@/server/security/ssrf";
import { noMcpServer } from "./mcp-servers";
import { can } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

export interface McpTestResult {
  ok: boolean;
  latencyMs: number;
  message: string;
  /** Tools the listing added, changed or removed. */
  changes: { added: number; changed: number; removed: number };
}

export const approveMcpToolInputSchema = z.object({
  /** The definition hash the admin reviewed: approving fails if the upstream changed it since. */
  definition_hash: z.string().regex(/^[0-9a-f]{64}$/, "definition_hash is the 64-hex hash the tool list shows"),
  /** Required to approve a flagged definition. */
  acknowledge_flags: z.boolean().optional(),
});
export type ApproveMcpToolInput = z.infer<typeof approveMcpToolInputSchema>;

const cannotRead = failure({ code: "forbidden", message: "Your role cannot view MCP servers." });
const cannotWrite = failure({ code: "forbidden", message: "Your role cannot manage MCP servers." });

function toEntry(row: McpServerRow): McpServerEntry {
  return {
    id: row.id,
    orgId: row.orgId,
    slug: row.slug,
    name: row.name,
    url: row.url,
    transport: row.transport,
    authMode: row.authMode,
    authHeaderName: row.authHeaderName,
    credential: row.credentialCiphertext ? decryptSecret(row.credentialCiphertext, getEncryptionKey()) : null,
    oauthTokenUrl: row.oauthTokenUrl,
    oauthClientId: row.oauthClientId,
    oauthScope: row.oauthScope,
    timeoutMs: Math.min(row.timeoutMs, 15_000),
    forwardHeaders: [],
    logArguments: row.logArguments,
  };
}

/**
 * "Test connection": connects with the saved row only (nothing from the request reaches the upstream), re-checks the
 * URLs against the SSRF rules, lists the tools and records what changed (new → pending, changed → hidden until
 * re-approved, suspicious → flagged). Audited when the tool list changed.
 */
export async function testMcpServer(db: Database, actor: Actor, id: string): Promise<ServiceResult<McpTestResult>> {
  if (!can(actor.role, "mcp:write")) return cannotWrite;
  const row = await findMcpServer(db, actor.orgId, id);
  if (!row) return noMcpServer;
  const started = Date.now();
  const none = { added: 0, changed: 0, removed: 0 };
  const allow = parseAllowList(env().GATEWAY_ALLOW_PRIVATE_HOSTS);
  for (const url of [row.url, row.oauthTokenUrl]) {
    if (url === null) continue;
    const check = await checkOutboundUrl(url, allow);
    if (!check.ok) return ok(await recordFailure(db, row, started, `The URL ${check.reason}.`, none));
  }
  const runtime = await getMcpRuntime();
  const listed = await runtime.deps.upstream.listTools(toEntry(row), { signal: AbortSignal.timeout(15_000), headers: {} });
  if (!listed.ok) return ok(await recordFailure(db, row, started, `Could not list tools: ${listed.reason}.`, none));
  const existing = await listMcpToolRows(db, row.id);
  const plan = planToolSync(row.slug, existing, listed.value);
  const previous = new Map(existing.map((tool) => [tool.name, tool]));
  const changes = {
    added: plan.upserts.filter((tool) => !previous.has(tool.name)).length,
    changed: plan.upserts.filter((tool) => previous.has(tool.name) && previous.get(tool.name)!.definitionHash !== tool.definitionHash).length,
    removed: plan.removed.length,
  };
  await db.transaction(async (tx) => {
    const now = new Date();
    for (const tool of plan.upserts) await upsertMcpToolRow(tx, { serverId: row.id, ...tool, seenAt: now });
    for (const tool of plan.removed) await updateMcpToolRow(tx, tool.id, { status: "removed" });
    await updateMcpServerRow(tx, actor.orgId, row.id, { lastSyncedAt: now, lastError: null });
    if (changes.added + changes.changed + changes.removed > 0) {
      await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "mcp_server.sync", targetType: "mcp_server", targetId: row.id, after: changes });
    }
    await notifyConfigChanged(tx, "mcp");
  });
  runtime.deps.catalog.clear();
  return ok({ ok: true, latencyMs: Date.now() - started, message: `Connected: ${listed.value.length} tools listed.`, changes });
}

async function recordFailure(db: Database, row: McpServerRow, started: number, message: string, changes: McpTestResult["changes"]): Promise<McpTestResult> {
  await updateMcpServerRow(db, row.orgId, row.id, { lastError: message });
  return { ok: false, latencyMs: Date.now() - started, message, changes };
}

export async function listMcpTools(db: Database, actor: Actor, serverId: string): Promise<ServiceResult<McpToolRow[]>> {
  if (!can(actor.role, "mcp:read")) return cannotRead;
  const server = await findMcpServer(db, actor.orgId, serverId);
  if (!server) return noMcpServer;
  return ok(await listMcpToolRows(db, serverId));
}

/** Approves the definition the admin saw (by its hash); a flagged one needs acknowledge_flags. Audited with the diff. */
export async function approveMcpTool(db: Database, actor: Actor, toolId: string, input: ApproveMcpToolInput): Promise<ServiceResult<McpToolRow>> {
  if (!can(actor.role, "mcp:write")) return cannotWrite;
  const tool = await findMcpTool(db, actor.orgId, toolId);
  if (!tool) return failure({ code: "not_found", message: "No such MCP tool." });
  if (tool.status === "removed") return failure({ code: "invalid", message: "The server no longer lists this tool." });
  if (!tool.exposedName) return failure({ code: "invalid", message: `This tool cannot be exposed: ${tool.exposeError}.` });
  if (tool.definitionHash !== input.definition_hash) return failure({ code: "conflict", message: "The tool's definition changed since you reviewed it; review it again.", field: "definition_hash" });
  if (tool.flags.length > 0 && !input.acknowledge_flags) return failure({ code: "invalid", message: `The definition is flagged (${tool.flags.join(", ")}); set acknowledge_flags to approve it anyway.`, field: "acknowledge_flags" });
  const row = await db.transaction(async (tx) => {
    const updated = (await updateMcpToolRow(tx, tool.id, { approvedHash: tool.definitionHash, approvedDefinition: tool.definition, status: "approved", approvedBy: actor.id, approvedAt: new Date() }))!;
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "mcp_tool.approve", targetType: "mcp_tool", targetId: tool.id, before: { definition: tool.approvedDefinition, hash: tool.approvedHash }, after: { definition: tool.definition, hash: tool.definitionHash, flags: tool.flags } });
    await notifyConfigChanged(tx, "mcp");
    return updated;
  });
  return ok(row);
}

/** Withdraws an approval: the tool is hidden again at once. */
export async function revokeMcpTool(db: Database, actor: Actor, toolId: string): Promise<ServiceResult<McpToolRow>> {
  if (!can(actor.role, "mcp:write")) return cannotWrite;
  const tool = await findMcpTool(db, actor.orgId, toolId);
  if (!tool) return failure({ code: "not_found", message: "No such MCP tool." });
  const row = await db.transaction(async (tx) => {
    const updated = (await updateMcpToolRow(tx, tool.id, { approvedHash: null, approvedDefinition: null, status: tool.status === "removed" ? "removed" : tool.flags.length > 0 ? "flagged" : "pending", approvedBy: null, approvedAt: null }))!;
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "mcp_tool.revoke", targetType: "mcp_tool", targetId: tool.id, before: { hash: tool.approvedHash } });
    await notifyConfigChanged(tx, "mcp");
    return updated;
  });
  return ok(row);
}
