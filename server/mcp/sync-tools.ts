import type { Tool } from "@modelcontextprotocol/client";
import type { McpToolRow } from "@/db/queries/mcp-servers";
import type { McpToolDefinition, McpToolStatus } from "@/db/schema/mcp-servers";
import { findSuspiciousSigns } from "./suspicious-definition";
import { hashToolDefinition, toToolDefinition } from "./tool-definition";
import { exposeToolName } from "./tool-names";

export interface ToolUpsert {
  name: string;
  exposedName: string | null;
  exposeError: string | null;
  definition: McpToolDefinition;
  definitionHash: string;
  status: McpToolStatus;
  flags: string[];
}

/**
 * What a fresh listing means for the stored tools: an unchanged approved definition stays approved; a changed one
 * becomes "changed" (hidden until re-approved; the approved one is kept for the diff); a new one is "pending";
 * any suspicious definition is "flagged"; a tool no longer listed is "removed".
 */
export function planToolSync(slug: string, existing: readonly McpToolRow[], listed: readonly Tool[]): { upserts: ToolUpsert[]; removed: McpToolRow[] } {
  const byName = new Map(existing.map((row) => [row.name, row]));
  const upserts: ToolUpsert[] = [];
  const seen = new Set<string>();
  for (const tool of listed) {
    if (typeof tool.name !== "string" || seen.has(tool.name)) continue;
    seen.add(tool.name);
    const definition = toToolDefinition(tool);
    const definitionHash = hashToolDefinition(definition);
    const flags = findSuspiciousSigns(definition);
    const exposed = exposeToolName(slug, tool.name);
    const previous = byName.get(tool.name);
    let status: McpToolStatus;
    if (previous?.approvedHash === definitionHash) status = "approved";
    else if (flags.length > 0) status = "flagged";
    else status = previous?.approvedHash ? "changed" : "pending";
    upserts.push({ name: tool.name, exposedName: exposed.ok ? exposed.name : null, exposeError: exposed.ok ? null : exposed.reason, definition, definitionHash, status, flags });
  }
  const removed = existing.filter((row) => !seen.has(row.name) && row.status !== "removed");
  return { upserts, removed };
}
