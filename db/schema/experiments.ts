import { index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
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

/**
 * Who an experiment applies to (README "A/B experiments", Scope): requests of the listed keys, or of keys of the
 * listed teams. Both empty: every key of the org.
 */
export interface ExperimentScope {
  key_ids: string[];
  team_ids: string[];
}

/** The binary outcome a bandit rewards: a successful answer, a thumbs-up, or a completed task (from /v1/feedback). */
export type BanditReward = "success" | "thumbs_up" | "task_completed";

/**
 * Bandit mode (README "A/B experiments", Bandit mode): the split is recomputed on a schedule by Thompson sampling
 * over `reward`, every variant not rolled back keeping at least `min_share` percent.
 */
export interface ExperimentBandit {
  reward: BanditReward;
  min_share: number;
}

/** What happened to an experiment, newest last: guardrail rollbacks, manual rollbacks, bandit splits, the promotion. */
export interface ExperimentEvent {
  at: string;
  type: "rollback" | "promote" | "split";
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
    scope: jsonb("scope").$type<ExperimentScope>().notNull().default({ key_ids: [], team_ids: [] }),
    /** Null: the weights are the admin's. */
    bandit: jsonb("bandit").$type<ExperimentBandit | null>(),
    /** When the bandit last moved the split (its schedule is shared through this column by every replica). */
    splitAt: timestamp("split_at", { withTimezone: true }),
    /** Bumped by every admin edit and restore; each version is kept in experiment_versions. */
    version: integer("version").notNull().default(1),
    /** The variant that was promoted (the experiment is then stopped). */
    winner: text("winner"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("experiments_name_unique").on(table.orgId, table.name), index("experiments_org_model_idx").on(table.orgId, table.model)],
);

/** Every admin-made version of an experiment's settings (creation, edits, restores), so any one can be restored. */
export const experimentVersions = pgTable(
  "experiment_versions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    experimentId: uuid("experiment_id").notNull().references(() => experiments.id, { onDelete: "cascade" }),
    orgId: uuid("org_id").notNull(),
    version: integer("version").notNull(),
    variants: jsonb("variants").$type<ExperimentVariant[]>().notNull(),
    guardrails: jsonb("guardrails").$type<ExperimentGuardrails>().notNull(),
    scope: jsonb("scope").$type<ExperimentScope>().notNull(),
    bandit: jsonb("bandit").$type<ExperimentBandit | null>(),
    /** The actor id that made this version. */
    createdBy: text("created_by").notNull(),
    /** What made it: created, edited, restored version N. */
    note: text("note").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("experiment_versions_unique").on(table.experimentId, table.version)],
);
