import { index, integer, jsonb, numeric, pgTable, primaryKey, real, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * The org's response cache default (README "Response cache"): off unless an admin turns it on. A key may override it
 * (virtual_keys.response_cache). Read into the gateway's config snapshot, never on the hot path.
 */
export const responseCacheSettings = pgTable("response_cache_settings", {
  orgId: uuid("org_id").primaryKey().references(() => organizations.id, { onDelete: "cascade" }),
  /** off | org (entries shared by the org's keys) | key (entries per key). */
  mode: text("mode", { enum: ["off", "org", "key"] }).notNull().default("off"),
  ttlSeconds: integer("ttl_seconds").notNull().default(3600),
  /** The semantic cache (opt-in): the org's embeddings model that embeds a request's text; null: exact matches only. */
  semanticModel: text("semantic_model"),
  /** Cosine similarity at or above which a stored answer serves a request whose parameters match exactly. */
  semanticThreshold: numeric("semantic_threshold", { precision: 4, scale: 3 }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Cached answers when REDIS_URL is unset: one row per (org, key hash), looked up by its primary key and never
 * served past `expires_at`; expired rows are pruned in batches off the hot path.
 */
export const responseCacheEntries = pgTable(
  "response_cache_entries",
  {
    orgId: uuid("org_id").notNull(),
    hash: text("hash").notNull(),
    /** The normalized answer (server/gateway/cache/cached-answer.ts), parsed when read. */
    answer: jsonb("answer").$type<unknown>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.orgId, table.hash] }), index("response_cache_entries_expires_idx").on(table.expiresAt)],
);

/**
 * The semantic cache's index (REDIS_URL unset): for each (org, parameters hash), the embeddings of the recent stored
 * answers' text, compared in the process (pgvector is not required); bounded per parameters hash, expiring with the
 * answers they point at.
 */
export const responseCacheVectors = pgTable(
  "response_cache_vectors",
  {
    orgId: uuid("org_id").notNull(),
    paramsHash: text("params_hash").notNull(),
    hash: text("hash").notNull(),
    vector: real("vector").array().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.orgId, table.paramsHash, table.hash] }), index("response_cache_vectors_recent_idx").on(table.orgId, table.paramsHash, table.createdAt), index("response_cache_vectors_expires_idx").on(table.expiresAt)],
);
