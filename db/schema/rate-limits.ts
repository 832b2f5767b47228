import { sql } from "drizzle-orm";
import { check, integer, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * Rate limits: requests per minute, tokens per minute and concurrent requests, for one scope. scope_id names
 * the key (id), team (id), end user (the request's `user`) or model (its public name) the limit is for; null
 * makes it the default for every key / team / end user / model of the org without a limit of its own (always
 * null for scope "org"). Part of the gateway's config snapshot; README "Rate limits".
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    scope: text("scope", { enum: ["org", "key", "team", "user", "model"] }).notNull(),
    scopeId: text("scope_id"),
    rpm: integer("rpm"),
    tpm: integer("tpm"),
    concurrency: integer("concurrency"),
    /** When the shared store (Redis) is unreachable: "open" admits unchecked, "closed" refuses with 429. */
    failMode: text("fail_mode", { enum: ["open", "closed"] }).notNull().default("open"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique("rate_limits_scope_unique").on(table.orgId, table.scope, table.scopeId).nullsNotDistinct(),
    check("rate_limits_positive", sql`coalesce(${table.rpm}, 1) > 0 and coalesce(${table.tpm}, 1) > 0 and coalesce(${table.concurrency}, 1) > 0`),
  ],
);

/**
 * Each running gateway process, refreshed every minute: lets the console warn when several replicas run
 * without a shared limiter (REDIS_URL), where every replica would enforce each limit on its own.
 */
export const gatewayInstances = pgTable("gateway_instances", {
  id: text("id").primaryKey(),
  hostname: text("hostname").notNull(),
  limiter: text("limiter", { enum: ["memory", "redis"] }).notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
});
