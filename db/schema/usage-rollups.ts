import { sql } from "drizzle-orm";
import { bigint, integer, numeric, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";

/** What the hourly and daily rollups group by, beside their time column. */
const rollupDimensions = () => ({
  orgId: uuid("org_id").notNull(),
  teamId: uuid("team_id"),
  keyId: uuid("key_id"),
  requestedModel: text("requested_model"),
  provider: text("provider"),
});

/** What the hourly and daily rollups sum. */
const rollupSums = () => ({
  requests: bigint("requests", { mode: "number" }).notNull(),
  errors: bigint("errors", { mode: "number" }).notNull(),
  inputTokens: bigint("input_tokens", { mode: "number" }).notNull(),
  outputTokens: bigint("output_tokens", { mode: "number" }).notNull(),
  cachedInputTokens: bigint("cached_input_tokens", { mode: "number" }).notNull(),
  cacheWriteTokens: bigint("cache_write_tokens", { mode: "number" }).notNull(),
  costUsd: numeric("cost_usd", { precision: 30, scale: 12 }).notNull(),
  listCostUsd: numeric("list_cost_usd", { precision: 30, scale: 12 }).notNull(),
  latencyMsSum: bigint("latency_ms_sum", { mode: "number" }).notNull(),
});

/**
 * Hourly sums of the usage ledger (README "Request log at scale"), per org, UTC hour, team, key, requested model and
 * provider: the dimensions the reports group by (region and cost-centre tags are read through the key, team and
 * model as the reports do). Maintained by the ledger insert itself (db/queries/usage-ledger.ts): the batch's new rows,
 * never a duplicate, are added in the same statement, so every sum equals the sum of its ledger rows.
 */
export const usageRollupsHourly = pgTable(
  "usage_rollups_hourly",
  { ...rollupDimensions(), hour: timestamp("hour", { withTimezone: true }).notNull(), ...rollupSums() },
  (table) => [unique("usage_rollups_hourly_dims_unique").on(table.orgId, table.hour, table.teamId, table.keyId, table.requestedModel, table.provider).nullsNotDistinct()],
);

/**
 * The same sums per UTC day (README "Request log at scale"): a month of reports reads ~30 rows per cell instead of
 * ~720, and the whole UTC days of any period come from here (its edge hours from usage_rollups_hourly, its edge minutes
 * from the ledger). Maintained by the same ledger insert statement.
 */
export const usageRollupsDaily = pgTable(
  "usage_rollups_daily",
  { ...rollupDimensions(), day: timestamp("day", { withTimezone: true }).notNull(), ...rollupSums() },
  (table) => [unique("usage_rollups_daily_dims_unique").on(table.orgId, table.day, table.teamId, table.keyId, table.requestedModel, table.provider).nullsNotDistinct()],
);

/**
 * Hourly sums per org only (the Overview), with a latency and a time-to-first-token histogram: latency_histogram[i]
 * counts the requests whose latency falls in bucket i of LATENCY_BUCKET_BOUNDS (db/queries/usage-rollups.ts).
 */
export const usageRollupsOrgHourly = pgTable(
  "usage_rollups_org_hourly",
  {
    orgId: uuid("org_id").notNull(),
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    requests: bigint("requests", { mode: "number" }).notNull(),
    errors: bigint("errors", { mode: "number" }).notNull(),
    inputTokens: bigint("input_tokens", { mode: "number" }).notNull(),
    outputTokens: bigint("output_tokens", { mode: "number" }).notNull(),
    costUsd: numeric("cost_usd", { precision: 30, scale: 12 }).notNull(),
    listCostUsd: numeric("list_cost_usd", { precision: 30, scale: 12 }).notNull(),
    latencyMsSum: bigint("latency_ms_sum", { mode: "number" }).notNull(),
    latencyHistogram: integer("latency_histogram").array().notNull(),
    /**
     * Time to first token, in the same buckets: ttft_histogram[i] counts the requests whose ttft_ms falls in bucket i (a
     * request that never produced a first token, ttft_ms null, counts in none).
     */
    ttftHistogram: integer("ttft_histogram")
      .array()
      .notNull()
      // 24 zeros: one per LATENCY_BUCKET_BOUNDS bucket (a test checks the two agree).
      .default(sql.raw(`'{${Array.from({ length: 24 }, () => 0).join(",")}}'::int[]`)),
    /** Requests answered by the response cache, and what their original answers cost (README "Response cache"). */
    cacheHits: bigint("cache_hits", { mode: "number" }).notNull().default(0),
    cacheSavedUsd: numeric("cache_saved_usd", { precision: 30, scale: 12 }).notNull().default("0"),
    /** Provider prompt caching: cached-read and cache-write tokens, and the saving (README "Provider prompt caching"). */
    cachedInputTokens: bigint("cached_input_tokens", { mode: "number" }).notNull().default(0),
    cacheWriteTokens: bigint("cache_write_tokens", { mode: "number" }).notNull().default(0),
    promptCacheSavedUsd: numeric("prompt_cache_saved_usd", { precision: 30, scale: 12 }).notNull().default("0"),
  },
  (table) => [primaryKey({ columns: [table.orgId, table.hour] })],
);
