import { index, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { users } from "./users";

export const teams = pgTable(
  "teams",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /**
     * Models the team's keys may use, and the most its developers may give their own keys. Null:
     * every model of the org. Checked when a key is created (a narrower list later does not change
     * existing keys).
     */
    allowedModels: text("allowed_models").array(),
    /** none | metadata | full: what is stored of its keys' requests (request_bodies), unless a key sets its own. */
    bodyLogging: text("body_logging", { enum: ["none", "metadata", "full"] }).notNull().default("none"),
    /** A cost-centre tag for reports (README "Reports"); a key's own tag wins over its team's. */
    costCentre: text("cost_centre"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("teams_org_name_unique").on(table.orgId, table.name)],
);

export const teamMembers = pgTable(
  "team_members",
  {
    teamId: uuid("team_id").notNull().references(() => teams.id, { onDelete: "cascade" }),
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.teamId, table.userId] }), index("team_members_user_idx").on(table.userId)],
);
