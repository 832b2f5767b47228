import { integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Console sign-in attempts per email and client address in a fixed window, shared by every
 * replica (server/auth/login-throttle.ts). `ip` is the address, or "*" for the email's count over
 * every address. An attempt is counted (atomic upsert) before the password is checked, so
 * replicas racing each other still verify at most the limit's worth of passwords per window.
 */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    attempts: integer("attempts").notNull(),
    windowStartedAt: timestamp("window_started_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.email, table.ip] })],
);
