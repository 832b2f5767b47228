import { integer, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

export const roleEnum = pgEnum("role", ["owner", "admin", "developer", "finance", "viewer"]);
export type Role = (typeof roleEnum.enumValues)[number];

/** Console users. password_hash is argon2id. Emails are stored lower-cased. */
export const users = pgTable("users", {
  id: uuid("id").primaryKey().defaultRandom(),
  email: text("email").notNull().unique(),
  name: text("name"),
  passwordHash: text("password_hash").notNull(),
  /**
   * Copied into the JWT at sign-in and compared on every request: bumping it (deactivation) ends
   * every console session of the user at once.
   */
  sessionVersion: integer("session_version").notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const memberships = pgTable(
  "memberships",
  {
    userId: uuid("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    role: roleEnum("role").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Set when an owner or admin deactivates the member: no sign-in, no session, no invitation of theirs works. */
    deactivatedAt: timestamp("deactivated_at", { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.userId, table.orgId] })],
);
