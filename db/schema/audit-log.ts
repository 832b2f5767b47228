import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** Where a change came from: the console (tRPC, sign-in), the admin REST API, an SSO sign-in, or the server itself. */
export const auditSources = ["console", "admin_api", "sso", "system"] as const;
export type AuditSource = (typeof auditSources)[number];

/** Every admin change, written in the same transaction as the change itself. Secrets never appear in before/after. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    orgId: uuid("org_id").notNull(),
    /** user:<id>, admin_token:<id>, admin_key:env, anonymous (a failed sign-in) or system */
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    source: text("source").$type<AuditSource>().notNull().default("system"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // Keyset pagination walks (created_at, id) newest first within an org.
  (table) => [index("audit_log_org_created_id_idx").on(table.orgId, table.createdAt, table.id)],
);
