import { bigserial, index, integer, jsonb, numeric, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

export const mcpCallStatuses = ["ok", "tool_error", "denied", "rate_limited", "over_budget", "upstream_error", "timeout", "cancelled"] as const;
export type McpCallStatus = (typeof mcpCallStatuses)[number];

/**
 * One row per tools/call through POST /mcp (written in batches, off the response path). Arguments are kept only when
 * the server's log_arguments is on, with credential-looking values redacted.
 */
export const mcpCalls = pgTable(
  "mcp_calls",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    keyId: uuid("key_id"),
    teamId: uuid("team_id"),
    serverId: uuid("server_id"),
    serverSlug: text("server_slug"),
    tool: text("tool").notNull(),
    status: text("status", { enum: mcpCallStatuses }).notNull(),
    latencyMs: integer("latency_ms").notNull(),
    requestBytes: integer("request_bytes").notNull().default(0),
    responseBytes: integer("response_bytes").notNull().default(0),
    costUsd: numeric("cost_usd", { precision: 24, scale: 12 }).notNull().default("0"),
    arguments: jsonb("arguments"),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("mcp_calls_org_idx").on(table.orgId, table.createdAt), index("mcp_calls_tool_idx").on(table.orgId, table.serverId, table.tool)],
);
