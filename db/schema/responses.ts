import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Conversations stored by `POST /v1/responses` (store: true) so a later request can continue
 * them with `previous_response_id`. `messages` holds the OpenAI-shaped chat messages that formed
 * the conversation, the answer included as the last assistant message; per-request instructions
 * are not stored (the Responses API does not carry them over). Rows expire after 30 days.
 */
export const responses = pgTable(
  "responses",
  {
    /** `resp_…`, the id returned to the caller. */
    id: text("id").primaryKey(),
    orgId: uuid("org_id").notNull(),
    keyId: uuid("key_id").notNull(),
    model: text("model").notNull(),
    messages: jsonb("messages").$type<unknown[]>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [index("responses_expires_at_idx").on(table.expiresAt)],
);
