import { sql } from "drizzle-orm";
import { check, index, jsonb, numeric, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * Spend budgets: a hard limit in USD for one scope and period. scope_id names the key (id), team (id), end user (the
 * request's `user`) or model (its public name); null for scope "org". `model`, when set, narrows any scope to one
 * model (team × model). Part of the gateway's config snapshot; the running totals live in budget_counters.
 * README "Budgets".
 */
export const budgets = pgTable(
  "budgets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    scope: text("scope", { enum: ["org", "key", "team", "user", "model"] }).notNull(),
    scopeId: text("scope_id"),
    model: text("model"),
    period: text("period", { enum: ["daily", "weekly", "monthly", "lifetime"] }).notNull(),
    limitUsd: numeric("limit_usd", { precision: 24, scale: 12 }).notNull(),
    /** Fractions of the limit (0.5 = 50 %) at which an alert fires once per period. */
    alertThresholds: jsonb("alert_thresholds").$type<number[]>().notNull().default([0.5, 0.8, 1]),
    webhookUrl: text("webhook_url"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /**
     * When the budget started counting (created, or its org's time zone changed): rows the replicas served before
     * their snapshots had it went uncharged, so its current counter is recounted from the ledger soon after (once
     * every snapshot has it) and again at reconcile_after (once requests in flight at reconcile_from have settled).
     * Null: nothing to recount. Set by the admin service; reconcile_after only by the sweeper. README "Budgets".
     */
    reconcileFrom: timestamp("reconcile_from", { withTimezone: true }),
    reconcileAfter: timestamp("reconcile_after", { withTimezone: true }),
  },
  (table) => [
    unique("budgets_scope_unique").on(table.orgId, table.scope, table.scopeId, table.model, table.period).nullsNotDistinct(),
    check("budgets_limit_positive", sql`${table.limitUsd} > 0`),
  ],
);

/**
 * One row per budget and period: what was settled (spent, the sum of the ledger rows charged to it) and what
 * in-flight requests hold (reserved). Changed only by modelgate_reserve_budgets, the ledger insert's settlement and
 * the sweeper, each atomically, so every replica sees one truth.
 */
export const budgetCounters = pgTable(
  "budget_counters",
  {
    budgetId: uuid("budget_id").notNull().references(() => budgets.id, { onDelete: "cascade" }),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    spent: numeric("spent", { precision: 24, scale: 12 }).notNull().default("0"),
    reserved: numeric("reserved", { precision: 24, scale: 12 }).notNull().default("0"),
    /** Thresholds (as in budgets.alert_thresholds) already fired this period. */
    alertsFired: jsonb("alerts_fired").$type<number[]>().notNull().default([]),
  },
  (table) => [primaryKey({ columns: [table.budgetId, table.periodStart] }), check("budget_counters_reserved_nonnegative", sql`${table.reserved} >= 0`)],
);

/** An in-flight request's hold on one budget; deleted when its ledger row settles it, or by the sweeper after expires_at. */
export const budgetReservations = pgTable(
  "budget_reservations",
  {
    requestId: text("request_id").notNull(),
    budgetId: uuid("budget_id").notNull().references(() => budgets.id, { onDelete: "cascade" }),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    amount: numeric("amount", { precision: 24, scale: 12 }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.requestId, table.budgetId] }), index("budget_reservations_expires_idx").on(table.expiresAt)],
);

/** Alerts that fired: the console's notification list and the webhook delivery log. */
export const budgetAlerts = pgTable(
  "budget_alerts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    budgetId: uuid("budget_id").notNull().references(() => budgets.id, { onDelete: "cascade" }),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    threshold: numeric("threshold", { precision: 6, scale: 4 }).notNull(),
    spent: numeric("spent", { precision: 24, scale: 12 }).notNull(),
    /** pending | delivered | failed | none (no webhook) */
    deliveryStatus: text("delivery_status").notNull(),
    attempts: jsonb("attempts").$type<{ at: string; status: number | null; error?: string }[]>().notNull().default([]),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("budget_alerts_once").on(table.budgetId, table.periodStart, table.threshold), index("budget_alerts_budget_idx").on(table.budgetId, table.createdAt)],
);

/**
 * A slice of a budget's remaining amount that one replica (lease_id, random per process) holds, so its requests
 * reserve in memory instead of a database round trip each. `amount` is counted in budget_counters.reserved like a
 * reservation; the ledger insert moves each leased request's cost out of it, the replica returns what it does not
 * use, and the sweeper frees the slices of replicas that stopped renewing them. README "Budgets".
 */
export const budgetLeases = pgTable(
  "budget_leases",
  {
    leaseId: text("lease_id").notNull(),
    budgetId: uuid("budget_id").notNull().references(() => budgets.id, { onDelete: "cascade" }),
    periodStart: timestamp("period_start", { withTimezone: true }).notNull(),
    amount: numeric("amount", { precision: 24, scale: 12 }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.leaseId, table.budgetId, table.periodStart] }), index("budget_leases_expires_idx").on(table.expiresAt)],
);
