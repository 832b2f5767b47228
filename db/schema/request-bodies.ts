import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/** What a key (or its team) asks to keep of each request beside its ledger row. */
export const bodyLoggingModes = ["none", "metadata", "full"] as const;
export type BodyLoggingMode = (typeof bodyLoggingModes)[number];

/**
 * Stored request bodies, only for keys whose setting (or their team's) asks: "metadata" keeps the parameters and
 * the shape of the prompt (roles, counts, lengths, tool names) without its text; "full" keeps the body as it left
 * the gateway (after policy redaction and reroutes) and the answer's text. Written with the ledger row, in the same
 * statement; pruned after REQUEST_BODY_RETENTION_DAYS. Policy replay reads them (README "Policies and data residency").
 */
export const requestBodies = pgTable(
  "request_bodies",
  {
    requestId: text("request_id").primaryKey(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    keyId: uuid("key_id"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    endpoint: text("endpoint").notNull(),
    mode: text("mode", { enum: ["metadata", "full"] }).notNull(),
    /** The caller's region when it was sent (the key's, or the trusted proxy's header), for replaying region rules. */
    callerRegion: text("caller_region"),
    body: jsonb("body").notNull(),
    /** The answer's text and tool arguments (full mode). */
    responseText: text("response_text"),
  },
  (table) => [index("request_bodies_org_started_idx").on(table.orgId, table.startedAt)],
);
