import { boolean, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import type { GroupDefinition } from "./model-group-definition";
import { organizations } from "./organizations";

/**
 * Model groups: a public model name served by several deployments (README "Model groups and routing"). The row holds
 * the definition in force; every change (creation included) is also kept in model_group_versions, so any earlier
 * version can be restored (as a new version). Part of the gateway's config snapshot.
 */
export const modelGroups = pgTable(
  "model_groups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    enabled: boolean("enabled").notNull().default(true),
    definition: jsonb("definition").$type<GroupDefinition>().notNull(),
    version: integer("version").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("model_groups_name_unique").on(table.orgId, table.name)],
);

export const modelGroupVersions = pgTable(
  "model_group_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    groupId: uuid("group_id").notNull().references(() => modelGroups.id, { onDelete: "cascade" }),
    orgId: uuid("org_id").notNull(),
    version: integer("version").notNull(),
    definition: jsonb("definition").$type<GroupDefinition>().notNull(),
    /** The actor id that made this version (user:…, admin_key:env, admin_token:…). */
    createdBy: text("created_by").notNull(),
    /** What made it: create, update, restore of version N. */
    note: text("note").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("model_group_versions_unique").on(table.groupId, table.version)],
);

/**
 * The routing-events timeline (README "Every decision explained"): every circuit change and 429 cool-down a gateway
 * replica made, with its reason, written in batches off the request path. A change a replica learned from another
 * (shared through Redis) is not written again: each event is the one replica's that made it.
 */
export const routingEvents = pgTable(
  "routing_events",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true }).notNull(),
    /** The group whose request met it (a deployment's circuit is shared by the groups using its model). */
    groupId: uuid("group_id"),
    groupName: text("group_name").notNull(),
    deployment: text("deployment").notNull(),
    /** The catalog model the circuit or cool-down is kept for. */
    modelId: uuid("model_id"),
    /** circuit | cooldown */
    kind: text("kind").notNull(),
    /** A circuit's new state: open | half_open | closed. */
    state: text("state"),
    reason: text("reason").notNull(),
    /** The gateway instance (gateway_instances.id) that made the change. */
    replica: text("replica").notNull(),
  },
  (table) => [index("routing_events_org_at_idx").on(table.orgId, table.at)],
);
