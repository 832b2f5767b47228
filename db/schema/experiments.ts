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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [unique("experiments_name_unique").on(table.orgId, table.name), index("experiments_org_model_idx").on(table.orgId, table.model)],
);
