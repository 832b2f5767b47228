import { doublePrecision, index, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Feedback on one answer (POST /v1/feedback, README "A/B experiments"): one row per request and metric, so a repeat
 * replaces the earlier value. `value` is the score, 1/0 for thumbs up/down and for task completed or not; a comment
 * row has no value. The experiment and variant are copied from the request's ledger row when it is rated, so results
 * per variant read this table alone.
 */
export const requestFeedback = pgTable(
  "request_feedback",
  {
    requestId: text("request_id").notNull(),
    metric: text("metric", { enum: ["score", "thumbs", "task_completed", "comment"] }).notNull(),
    orgId: uuid("org_id").notNull(),
    keyId: uuid("key_id"),
    experimentId: uuid("experiment_id"),
    variant: text("variant"),
    value: doublePrecision("value"),
    comment: text("comment"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ name: "request_feedback_pk", columns: [table.requestId, table.metric] }), index("request_feedback_experiment_idx").on(table.experimentId, table.variant, table.metric)],
);
