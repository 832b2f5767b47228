import { pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { roleEnum } from "./users";

/**
 * Tokens for /api/admin/* created in the console (`mga_` + 32 random bytes), stored like virtual keys.
 * A token acts with `role`, never above its creator's current role (server/admin/actor-role.ts).
 */
export const adminTokens = pgTable("admin_tokens", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  tokenPrefix: text("token_prefix").notNull().unique(),
  tokenHash: text("token_hash").notNull(),
  /** Tokens made before roles existed are owner tokens, capped by their creator's role like every other. */
  role: roleEnum("role").notNull().default("owner"),
  createdBy: text("created_by"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp("revoked_at", { withTimezone: true }),
  lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
});
