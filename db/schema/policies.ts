import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * The stored conditions of a policy rule (validated with zod at the admin edge and again when the gateway
 * compiles its snapshot: server/gateway/policy/rule-definition.ts). Never holds matched text.
 */
export interface PolicyConditionsValue {
  keywords?: string[];
  patterns?: { name: string; regex: string }[];
  detectors?: string[];
  roles?: string[];
  team_ids?: string[];
  key_ids?: string[];
  key_metadata?: Record<string, string>;
  caller_regions?: string[];
  providers?: string[];
  model_regions?: string[];
  model_regions_not?: string[];
}

/**
 * The ordered policy rules of an organization (README "Policies and data residency"): evaluated by ascending
 * position on every endpoint. Part of the gateway's config snapshot, compiled once per snapshot.
 */
export const policyRules = pgTable(
  "policy_rules",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    name: text("name").notNull(),
    enabled: boolean("enabled").notNull().default(true),
    /** Evaluated and recorded on the ledger, never applied. */
    dryRun: boolean("dry_run").notNull().default(false),
    action: text("action", { enum: ["block", "reroute", "redact", "log"] }).notNull(),
    /** The public model name a reroute rule sends the request to. */
    targetModel: text("target_model"),
    conditions: jsonb("conditions").$type<PolicyConditionsValue>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("policy_rules_org_position_idx").on(table.orgId, table.position)],
);

/**
 * Org-level data residency: with `regions` set, every request (of a caller in `caller_regions`, or every caller
 * when that is null) may only reach models labelled with one of those regions, and /v1/models lists only those.
 */
export const policySettings = pgTable("policy_settings", {
  orgId: uuid("org_id").primaryKey().references(() => organizations.id, { onDelete: "cascade" }),
  residencyRegions: text("residency_regions").array(),
  residencyCallerRegions: text("residency_caller_regions").array(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
