import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

export const mcpAuthModes = ["none", "header", "oauth_client_credentials"] as const;
export type McpAuthMode = (typeof mcpAuthModes)[number];
export const mcpTransports = ["streamable_http", "sse"] as const;
export type McpTransport = (typeof mcpTransports)[number];

/**
 * Upstream MCP servers behind POST /mcp (README "MCP gateway"). The credential (a static header's value, or the OAuth
 * client secret) is sealed with the instance key (server/crypto/secret-box.ts) and never leaves the server. The URL
 * (and the OAuth token URL) pass the SSRF rules at save time and again at connect time. stdio upstreams do not exist:
 * nothing here is ever spawned.
 */
export const mcpServers = pgTable(
  "mcp_servers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    /** The tool-name prefix: `<slug>__<tool>`. */
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    url: text("url").notNull(),
    transport: text("transport", { enum: mcpTransports }).notNull().default("streamable_http"),
    authMode: text("auth_mode", { enum: mcpAuthModes }).notNull().default("none"),
    /** The static header's name (auth mode "header"), e.g. "X-Api-Key" or "Authorization". */
    authHeaderName: text("auth_header_name"),
    credentialCiphertext: text("credential_ciphertext"),
    oauthTokenUrl: text("oauth_token_url"),
    oauthClientId: text("oauth_client_id"),
    oauthScope: text("oauth_scope"),
    timeoutMs: integer("timeout_ms").notNull().default(30_000),
    /** Inbound headers copied to the upstream (lower-case names; never authorization or cookies). */
    forwardHeaders: text("forward_headers").array().notNull().default(sql`'{}'::text[]`),
    /** Whether call rows keep the (redacted) arguments. */
    logArguments: boolean("log_arguments").notNull().default(false),
    enabled: boolean("enabled").notNull().default(true),
    lastSyncedAt: timestamp("last_synced_at", { withTimezone: true }),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("mcp_servers_slug_unique").on(table.orgId, table.slug), check("mcp_servers_timeout_range", sql`${table.timeoutMs} between 100 and 600000`)],
);

export const mcpToolStatuses = ["pending", "approved", "changed", "flagged", "removed"] as const;
export type McpToolStatus = (typeof mcpToolStatuses)[number];

/** The part of a tool's definition that is hashed and approved (what a model reads and what the call sends). */
export interface McpToolDefinition {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

/**
 * Tools seen on an upstream, pinned by definition hash: only a definition whose hash equals approved_hash is exposed.
 * A changed definition keeps the approved one beside it (the console shows the diff) until an admin re-approves.
 */
export const mcpTools = pgTable(
  "mcp_tools",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    serverId: uuid("server_id").notNull().references(() => mcpServers.id, { onDelete: "cascade" }),
    /** The upstream's own name for the tool. */
    name: text("name").notNull(),
    /** `<slug>__<name>`; null when it cannot be exposed (exposeError says why). */
    exposedName: text("exposed_name"),
    exposeError: text("expose_error"),
    definition: jsonb("definition").$type<McpToolDefinition>().notNull(),
    definitionHash: text("definition_hash").notNull(),
    approvedDefinition: jsonb("approved_definition").$type<McpToolDefinition>(),
    approvedHash: text("approved_hash"),
    status: text("status", { enum: mcpToolStatuses }).notNull().default("pending"),
    /** Why the definition looks suspicious (zero-width characters, hidden instructions, credential paths). */
    flags: text("flags").array().notNull().default(sql`'{}'::text[]`),
    approvedBy: text("approved_by"),
    approvedAt: timestamp("approved_at", { withTimezone: true }),
    seenAt: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("mcp_tools_name_unique").on(table.serverId, table.name), index("mcp_tools_server_idx").on(table.serverId)],
);
