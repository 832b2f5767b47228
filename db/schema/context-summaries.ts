import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/**
 * Summaries of older conversation history written by context-window management (`summarize` mode), so the next turn
 * of the same conversation reuses one instead of paying for it again. Keyed by the org and a hash chained over the
 * summarized messages (and the summarizing model), never shared across orgs. Rows older than a week are pruned.
 */
export const contextSummaries = pgTable(
  "context_summaries",
  {
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    prefixHash: text("prefix_hash").notNull(),
    /** How many messages of the conversation the summary stands for. */
    messageCount: integer("message_count").notNull(),
    summary: text("summary").notNull(),
    /** Tokens of the summary (in the family of the model it was written for). */
    tokens: integer("tokens").notNull(),
    model: text("model").notNull(),
    /** The child request that wrote it. */
    requestId: text("request_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.orgId, table.prefixHash] }), index("context_summaries_created_idx").on(table.createdAt)],
);
