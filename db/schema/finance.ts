import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, numeric, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * A calendar month closed by finance (README "Period close"): the frozen totals of the ledger
 * rows that started in [period_start, period_end) when it was closed, in the time zone of that
 * moment. Reopening (an owner) stamps reopened_at; closing again makes a new row, so the history
 * of closes stays. At most one open close (reopened_at null) per org and month.
 */
export const periodCloses = pgTable(
  "period_closes",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    /** YYYY-MM */
    month: text("month").notNull(),
    timeZone: text("time_zone").notNull(),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    periodEnd: timestamp("period_end", { withTimezone: true }).notNull(),
    requests: integer("requests").notNull(),
    inputTokens: bigint("input_tokens", { mode: "number" }).notNull(),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull(),
    cachedInputTokens: bigint("cached_input_tokens", { mode: "number" }).notNull(),
    costUsd: numeric("cost_usd", { precision: 24, scale: 12 }).notNull(),
    closedBy: text("closed_by").notNull(),
    closedAt: timestamp("closed_at", { withTimezone: true }).notNull().defaultNow(),
    reopenedBy: text("reopened_by"),
    reopenedAt: timestamp("reopened_at", { withTimezone: true }),
    /**
     * Whether the close recorded which charged ledger rows it froze (period_close_requests). Closes made before that
     * existed are false: their FOCUS export still lists the live ledger's rows of the month.
     */
    requestsFrozen: boolean("requests_frozen").notNull().default(false),
  },
  (table) => [
    uniqueIndex("period_closes_open_month_unique").on(table.orgId, table.month).where(sql`${table.reopenedAt} is null`),
    index("period_closes_org_month_idx").on(table.orgId, table.month),
  ],
);

/**
 * The frozen detail of a close: one line per team, key, end user, model, provider, region and
 * cost-centre tag (as they were at close), so every report grouping of a closed month reads the
 * snapshot, never the live ledger.
 */
export const periodCloseLines = pgTable(
  "period_close_lines",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    closeId: uuid("close_id").notNull().references(() => periodCloses.id, { onDelete: "cascade" }),
    teamId: uuid("team_id"),
    keyId: uuid("key_id"),
    endUser: text("end_user"),
    model: text("model"),
    provider: text("provider"),
    region: text("region"),
    tag: text("tag"),
    requests: integer("requests").notNull(),
    inputTokens: bigint("input_tokens", { mode: "number" }).notNull(),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull(),
    cachedInputTokens: bigint("cached_input_tokens", { mode: "number" }).notNull(),
    costUsd: numeric("cost_usd", { precision: 24, scale: 12 }).notNull(),
  },
  (table) => [index("period_close_lines_close_idx").on(table.closeId)],
);

/**
 * The charged ledger rows (tokens or cost > 0) a close counted, read in the same statement as its lines, with the
 * region and cost-centre tag they were frozen under. A closed month's FOCUS export lists exactly these rows; a row of
 * the month missing here arrived after the close and is exported as a correction in the next open month.
 */
export const periodCloseRequests = pgTable(
  "period_close_requests",
  {
    closeId: uuid("close_id").notNull().references(() => periodCloses.id, { onDelete: "cascade" }),
    requestId: text("request_id").notNull(),
    region: text("region"),
    tag: text("tag"),
  },
  (table) => [primaryKey({ columns: [table.closeId, table.requestId] })],
);

/** A provider's invoice total for a month, entered by finance, reconciled against the gateway's cost (README "Invoice reconciliation"). */
export const providerInvoices = pgTable(
  "provider_invoices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    /** YYYY-MM, in the org's time zone. */
    month: text("month").notNull(),
    /** The ledger's provider id (openai, anthropic …). */
    provider: text("provider").notNull(),
    totalUsd: numeric("total_usd", { precision: 24, scale: 12 }).notNull(),
    invoiceNumber: text("invoice_number"),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("provider_invoices_org_month_provider_unique").on(table.orgId, table.month, table.provider)],
);
