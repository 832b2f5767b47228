import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
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
