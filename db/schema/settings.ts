import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Small instance-wide settings (e.g. the hash of the one-time setup token). */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
