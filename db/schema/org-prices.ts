import { index, numeric, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { models } from "./models";
import { organizations } from "./organizations";

/**
 * An org's own price for a model (a negotiated rate), effective-dated like model_prices: the newest row whose
 * effective_from has passed is in force. A row with null prices ends the override (the catalog price applies again
 * from its effective_from). The ledger keeps the id of the row a request was priced with (org_price_id).
 */
export const orgModelPrices = pgTable(
  "org_model_prices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    modelId: uuid("model_id").notNull().references(() => models.id, { onDelete: "cascade" }),
    effectiveFrom: timestamp("effective_from", { withTimezone: true }).notNull().defaultNow(),
    inputPerMtok: numeric("input_per_mtok", { precision: 18, scale: 6 }),
    outputPerMtok: numeric("output_per_mtok", { precision: 18, scale: 6 }),
    cachedInputPerMtok: numeric("cached_input_per_mtok", { precision: 18, scale: 6 }),
    cacheWritePerMtok: numeric("cache_write_per_mtok", { precision: 18, scale: 6 }),
    /** Anthropic's 1-hour cache writes (2x input); null: priced at cache_write_per_mtok. */
    cacheWrite1hPerMtok: numeric("cache_write_1h_per_mtok", { precision: 18, scale: 6 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("org_model_prices_model_effective_idx").on(table.modelId, table.effectiveFrom)],
);

/**
 * A discount in percent on everything an org spends with one provider (a connection kind: openai, anthropic …),
 * effective-dated: the newest row whose effective_from has passed is in force; 0 ends a discount.
 */
export const providerDiscounts = pgTable(
  "provider_discounts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    percent: numeric("percent", { precision: 7, scale: 4 }).notNull(),
    effectiveFrom: timestamp("effective_from", { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("provider_discounts_org_provider_effective_idx").on(table.orgId, table.provider, table.effectiveFrom)],
);
