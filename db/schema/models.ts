import { boolean, index, integer, jsonb, numeric, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { providerConnections } from "./provider-connections";

/** A public model name served by one provider connection. */
export const models = pgTable(
  "models",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    connectionId: uuid("connection_id").notNull().references(() => providerConnections.id, { onDelete: "cascade" }),
    upstreamModel: text("upstream_model").notNull(),
    contextWindow: integer("context_window"),
    maxOutputTokens: integer("max_output_tokens"),
    region: text("region"),
    /** Context-window management for requests to this model (mode, margin, summarize and fallback models); null: mode error. */
    context: jsonb("context").$type<{ mode?: "error" | "truncate" | "summarize" | "fallback" | "split"; margin_tokens?: number; summarize_model?: string; fallback_model?: string; split_overlap_tokens?: number; split_concurrency?: number }>(),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("models_org_name_unique").on(table.orgId, table.name)],
);

/**
 * Prices in US dollars per one million tokens, exact decimals. A price change inserts a row
 * with a new effective_from; the ledger keeps the id of the row it was priced with.
 */
export const modelPrices = pgTable(
  "model_prices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    modelId: uuid("model_id").notNull().references(() => models.id, { onDelete: "cascade" }),
    effectiveFrom: timestamp("effective_from", { withTimezone: true }).notNull().defaultNow(),
    inputPerMtok: numeric("input_per_mtok", { precision: 18, scale: 6 }).notNull(),
    outputPerMtok: numeric("output_per_mtok", { precision: 18, scale: 6 }).notNull(),
    cachedInputPerMtok: numeric("cached_input_per_mtok", { precision: 18, scale: 6 }),
    cacheWritePerMtok: numeric("cache_write_per_mtok", { precision: 18, scale: 6 }),
    /** Anthropic's 1-hour cache writes (2x input); null: priced at cache_write_per_mtok. */
    cacheWrite1hPerMtok: numeric("cache_write_1h_per_mtok", { precision: 18, scale: 6 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("model_prices_model_effective_idx").on(table.modelId, table.effectiveFrom)],
);
