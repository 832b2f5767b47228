import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * A monthly export delivered to a webhook (README "Scheduled exports"): once a calendar month has ended in the org's
 * time zone, its CSV report (grouped by `group_by`) or FOCUS file is POSTed to `webhook_url`.
 */
export const exportSchedules = pgTable(
  "export_schedules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** csv | focus */
    format: text("format").notNull(),
    /** The CSV report's grouping (team, key, …); null for FOCUS. */
    groupBy: text("group_by"),
    webhookUrl: text("webhook_url").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    createdBy: text("created_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("export_schedules_org_idx").on(table.orgId)],
);

/**
 * One schedule's file for one month. A runner claims a pending row whose attempt is due with a conditional update
 * (`for update skip locked`, then a claim token and lease), so replicas deliver each period once; a failed attempt
 * goes back to pending with a later `next_attempt_at` until the attempts run out (then failed).
 */
export const exportDeliveries = pgTable(
  "export_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    scheduleId: uuid("schedule_id").notNull().references(() => exportSchedules.id, { onDelete: "cascade" }),
    /** YYYY-MM in the org's time zone. */
    period: text("period").notNull(),
    /** pending | delivered | failed */
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** Bumped by "Send now": part of the idempotency key, so a deliberate redelivery is a new delivery to the receiver. */
    generation: integer("generation").notNull().default(1),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    claimToken: uuid("claim_token"),
    claimedUntil: timestamp("claimed_until", { withTimezone: true }),
    /** Sanitized: a status or an error code, never the webhook's URL or any part of it. */
    lastError: text("last_error"),
    responseStatus: integer("response_status"),
    bytes: bigint("bytes", { mode: "number" }),
    rows: integer("rows"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique("export_deliveries_schedule_period_unique").on(table.scheduleId, table.period),
    index("export_deliveries_due_idx").on(table.nextAttemptAt).where(sql`status = 'pending'`),
  ],
);
