import { boolean, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * A configured upstream: one provider kind, base URL and credential.
 * The credential is AES-256-GCM ciphertext (server/crypto/secret-box.ts); only its last four
 * characters are stored in clear, for the console.
 */
export const providerConnections = pgTable(
  "provider_connections",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    name: text("name").notNull(),
    baseUrl: text("base_url").notNull(),
    credentialCiphertext: text("credential_ciphertext"),
    credentialLast4: text("credential_last4"),
    region: text("region"),
    enabled: boolean("enabled").notNull().default(true),
    /** "env" for connections created from environment variables on first start, "console" or "api" otherwise. */
    source: text("source").notNull().default("console"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("provider_connections_org_name_unique").on(table.orgId, table.name)],
);
