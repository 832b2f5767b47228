import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";
import { teams } from "./teams";
import { users } from "./users";

/**
 * Issued keys: `vk_` + 43 base64url characters (32 random bytes). Only a lookup prefix and the
 * SHA-256 of the whole key are stored; the key itself is shown once at creation.
 */
export const virtualKeys = pgTable(
  "virtual_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
    name: text("name").notNull(),
    keyPrefix: text("key_prefix").notNull().unique(),
    keyHash: text("key_hash").notNull(),
    /** Null means every enabled model of the org. */
    allowedModels: text("allowed_models").array(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    /** The caller's region (e.g. "eu-west-1"), matched by policy rules and residency; a trusted proxy header may override it. */
    region: text("region"),
    /** A cost-centre tag for reports; null: the team's tag (README "Reports"). */
    costCentre: text("cost_centre"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    /** none | metadata | full: what is stored of its requests (request_bodies); null: its team's setting. */
    bodyLogging: text("body_logging", { enum: ["none", "metadata", "full"] }),
    /** off | org | key: the key's response cache (README "Response cache"); null: the org's default. */
    responseCache: text("response_cache", { enum: ["off", "org", "key"] }),
    createdBy: text("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (table) => [index("virtual_keys_org_idx").on(table.orgId, table.createdAt)],
);
