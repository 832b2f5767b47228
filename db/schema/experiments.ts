import { index, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { organizations } from "./organizations";

/** One arm of an experiment: a share of the traffic sent to another model or group. */
export interface ExperimentVariant {
  name: string;
  /** Percent of the experiment's traffic (the variants add up to 100). */
  weight: number;
  /** The model or group name this variant's requests go to. */
  target: string;
}

/**
 * Automatic rollback thresholds (README "A/B experiments"): a variant other than the control (the first variant) whose
 * error rate exceeds `max_error_rate`, or whose p95 latency exceeds `max_p95_latency_ratio` × the control's, once both
 * have `min_requests` requests, is rolled back (its weight goes to the control). Absent thresholds are not checked.
 */
export interface ExperimentGuardrails {
  max_error_rate?: number;
  max_p95_latency_ratio?: number;
  min_requests: number;
}

/** What happened to an experiment, newest last: guardrail rollbacks, manual rollbacks, the promotion. */
export interface ExperimentEvent {
  at: string;
  type: "rollback" | "promote";
  variant: string;
  /** Who: an actor id, or "guardrail" for the evaluator. */
  by: string;
  reason: string;
}

/**
 * A/B experiments (README "A/B experiments"): requests naming `model` are split between the variants by a sticky
 * hash of the end user (`user`, else the `x-modelgate-subject` header, else the key). Only running experiments are
 * in the gateway's snapshot. Each routed request's ledger row carries the experiment and variant.
 */
export const experiments = pgTable(
  "experiments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    model: text("model").notNull(),
    status: text("status", { enum: ["draft", "running", "paused", "stopped"] }).notNull().default("draft"),
    variants: jsonb("variants").$type<ExperimentVariant[]>().notNull(),
    guardrails: jsonb("guardrails").$type<ExperimentGuardrails>().notNull().default({ min_requests: 30 }),
    events: jsonb("events").$type<ExperimentEvent[]>().notNull().default([]),
    /** The variant that was promoted (the experiment is then stopped). */
    winner: text("winner"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("experiments_name_unique").on(table.orgId, table.name), index("experiments_org_model_idx").on(table.orgId, table.model)],
);
