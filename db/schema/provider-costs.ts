import { sql } from "drizzle-orm";
import { boolean, date, integer, jsonb, numeric, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * A provider's admin (cost) API for one org (README "Provider cost import"): OpenAI's organization costs or
 * Anthropic's cost report. The admin key is separate from the inference key and stored as AES-256-GCM ciphertext
 * (server/crypto/secret-box.ts); only its last characters are kept in clear. The daily job claims a due source with a
 * conditional update (claimed_until), so one replica imports it.
 */
export const providerCostSources = pgTable(
  "provider_cost_sources",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    /** The ledger's provider id: openai or anthropic. */
    provider: text("provider").notNull(),
    baseUrl: text("base_url").notNull(),
    credentialCiphertext: text("credential_ciphertext").notNull(),
    credentialLast4: text("credential_last4").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    /** Days re-imported on every run (providers revise recent days). */
    lookbackDays: integer("lookback_days").notNull().default(7),
    nextImportAt: timestamp("next_import_at", { withTimezone: true }).notNull().defaultNow(),
    claimedUntil: timestamp("claimed_until", { withTimezone: true }),
    claimedBy: text("claimed_by"),
    lastImportAt: timestamp("last_import_at", { withTimezone: true }),
    /** ok | failed */
    lastStatus: text("last_status"),
    lastError: text("last_error"),
    lastDays: integer("last_days"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("provider_cost_sources_org_provider_unique").on(table.orgId, table.provider)],
);

/** One provider's own figure for one UTC day, exact USD; a re-import of the day replaces it (never adds). */
export const providerCostImports = pgTable(
  "provider_cost_imports",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    /** The provider's bucket: a UTC calendar day. */
    day: date("day", { mode: "string" }).notNull(),
    amountUsd: numeric("amount_usd", { precision: 24, scale: 12 }).notNull(),
    currency: text("currency").notNull().default("USD"),
    /** openai_costs_api | anthropic_cost_report */
    source: text("source").notNull(),
    /** Result rows (line items) the provider returned for the day. */
    lineItems: integer("line_items").notNull().default(0),
    importedAt: timestamp("imported_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("provider_cost_imports_org_provider_day_unique").on(table.orgId, table.provider, table.day)],
);

/** The org's drift threshold and webhook (README "Provider cost import"). */
export const costDriftSettings = pgTable("cost_drift_settings", {
  orgId: uuid("org_id").primaryKey().references(() => organizations.id, { onDelete: "cascade" }),
  /** Percent of the gateway's cost, two decimals. */
  thresholdPercent: numeric("threshold_percent", { precision: 7, scale: 2 }).notNull().default("5.00"),
  webhookUrl: text("webhook_url"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** A drift above the threshold, once per provider and day or month-to-date (a unique row), with its webhook delivery. */
export const costDriftAlerts = pgTable(
  "cost_drift_alerts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    provider: text("provider").notNull(),
    /** day | month */
    scope: text("scope").notNull(),
    /** YYYY-MM-DD or YYYY-MM (UTC) */
    period: text("period").notNull(),
    gatewayCostUsd: numeric("gateway_cost_usd", { precision: 30, scale: 12 }).notNull(),
    providerCostUsd: numeric("provider_cost_usd", { precision: 30, scale: 12 }).notNull(),
    varianceUsd: numeric("variance_usd", { precision: 30, scale: 12 }).notNull(),
    /** null when the gateway's cost is 0 */
    variancePercent: numeric("variance_percent", { precision: 12, scale: 2 }),
    thresholdPercent: numeric("threshold_percent", { precision: 7, scale: 2 }).notNull(),
    /** none | pending | delivered | failed */
    deliveryStatus: text("delivery_status").notNull().default("none"),
    attempts: jsonb("attempts").notNull().default(sql`'[]'::jsonb`),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("cost_drift_alerts_once").on(table.orgId, table.provider, table.scope, table.period)],
);
