import { sql } from "drizzle-orm";
import { check, index, integer, numeric, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { mcpServers } from "./mcp-servers";
import { organizations } from "./organizations";

/**
 * Who may see and call which MCP tools: a key or a team, one server (or every server: server_id null), one upstream
 * tool name or "*". A key holds the MCP permission when it has a grant of its own or through its team. Limits apply
 * per grant and subject (per key for a team grant too). README "MCP gateway".
 */
export const mcpGrants = pgTable(
  "mcp_grants",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    subject: text("subject", { enum: ["key", "team"] }).notNull(),
    subjectId: uuid("subject_id").notNull(),
    serverId: uuid("server_id").references(() => mcpServers.id, { onDelete: "cascade" }),
    tool: text("tool").notNull().default("*"),
    rpm: integer("rpm"),
    concurrency: integer("concurrency"),
    costPerCallUsd: numeric("cost_per_call_usd", { precision: 24, scale: 12 }).notNull().default("0"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("mcp_grants_subject_idx").on(table.orgId, table.subject, table.subjectId), check("mcp_grants_cost_nonnegative", sql`${table.costPerCallUsd} >= 0`)],
);
