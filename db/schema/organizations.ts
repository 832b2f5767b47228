import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

export const organizations = pgTable("organizations", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  /** IANA time zone of report periods and month boundaries (README "Reports"). */
  timeZone: text("time_zone").notNull().default("UTC"),
  /** Provider prompt caching of catalog models outside a group: auto (automatic Anthropic breakpoints) or off. */
  promptCacheDefault: text("prompt_cache_default", { enum: ["auto", "off"] }).notNull().default("auto"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
