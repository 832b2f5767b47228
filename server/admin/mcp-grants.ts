import { z } from "zod";
import type { Database } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { deleteMcpGrantRow, findMcpGrant, insertMcpGrant, listMcpCallRows, listMcpGrantRows, summarizeMcpCalls, type McpCallRow, type McpGrantRow } from "@/db/queries/mcp-grants";
import { findMcpServer } from "@/db/queries/mcp-servers";
import { findTeam } from "@/db/queries/teams";
import { findKey } from "@/db/queries/virtual-keys";
import { can } from "./permissions";
import { failure, ok, type Actor, type ServiceResult } from "./service-result";

/** POST /api/admin/mcp-grants: a key or team may see and call one server's tool, every tool of it, or of every server. */
export const createMcpGrantInputSchema = z.object({
  subject: z.enum(["key", "team"]),
  subject_id: z.uuid("subject_id is a key or team id"),
  /** Absent or null: every MCP server of the organization. */
  server_id: z.uuid().nullish(),
  tool: z.string().trim().min(1).max(128).regex(/^(\*|[A-Za-z0-9_.-]+)$/, "tool is an upstream tool name or *").optional(),
  rpm: z.number().int().positive().max(1_000_000).nullish(),
  concurrency: z.number().int().positive().max(100_000).nullish(),
  cost_per_call_usd: z.string().trim().regex(/^\d{1,12}(\.\d{1,12})?$/, "cost_per_call_usd is a decimal such as 0.001").optional(),
});
export type CreateMcpGrantInput = z.infer<typeof createMcpGrantInputSchema>;

const cannotRead = failure({ code: "forbidden", message: "Your role cannot view MCP grants." });
const cannotWrite = failure({ code: "forbidden", message: "Your role cannot manage MCP grants." });

export async function listMcpGrants(db: Database, actor: Actor): Promise<ServiceResult<McpGrantRow[]>> {
  if (!can(actor.role, "mcp:read")) return cannotRead;
  return ok(await listMcpGrantRows(db, actor.orgId));
}

export async function createMcpGrant(db: Database, actor: Actor, input: CreateMcpGrantInput): Promise<ServiceResult<McpGrantRow>> {
  if (!can(actor.role, "mcp:write")) return cannotWrite;
  const subject = input.subject === "key" ? await findKey(db, actor.orgId, input.subject_id) : await findTeam(db, actor.orgId, input.subject_id);
  if (!subject) return failure({ code: "invalid", message: `subject_id names no ${input.subject} of the organization.`, field: "subject_id" });
  if (input.server_id && !(await findMcpServer(db, actor.orgId, input.server_id))) return failure({ code: "invalid", message: "server_id names no MCP server of the organization.", field: "server_id" });
  const row = await db.transaction(async (tx) => {
    const created = await insertMcpGrant(tx, {
      orgId: actor.orgId,
      subject: input.subject,
      subjectId: input.subject_id,
      serverId: input.server_id ?? null,
      tool: input.tool ?? "*",
      rpm: input.rpm ?? null,
      concurrency: input.concurrency ?? null,
      costPerCallUsd: input.cost_per_call_usd ?? "0",
    });
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "mcp_grant.create", targetType: "mcp_grant", targetId: created.id, after: created });
    await notifyConfigChanged(tx, "mcp");
    return created;
  });
  return ok(row);
}

export async function deleteMcpGrant(db: Database, actor: Actor, id: string): Promise<ServiceResult<McpGrantRow>> {
  if (!can(actor.role, "mcp:write")) return cannotWrite;
  const existing = await findMcpGrant(db, actor.orgId, id);
  if (!existing) return failure({ code: "not_found", message: "No such MCP grant." });
  await db.transaction(async (tx) => {
    await deleteMcpGrantRow(tx, actor.orgId, id);
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "mcp_grant.delete", targetType: "mcp_grant", targetId: id, before: existing });
    await notifyConfigChanged(tx, "mcp");
  });
  return ok(existing);
}

/** The newest call rows, and calls, errors, p95 and cost per tool over the last 24 hours. */
export async function getMcpActivity(db: Database, actor: Actor, limit = 100): Promise<ServiceResult<{ calls: McpCallRow[]; perTool: Awaited<ReturnType<typeof summarizeMcpCalls>> }>> {
  if (!can(actor.role, "mcp:read")) return cannotRead;
  const [calls, perTool] = await Promise.all([listMcpCallRows(db, actor.orgId, limit), summarizeMcpCalls(db, actor.orgId, new Date(Date.now() - 24 * 3600_000))]);
  return ok({ calls, perTool });
}
