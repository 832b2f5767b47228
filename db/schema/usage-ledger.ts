import type { ContextTraceValue } from "./context-trace";
import type { PolicyDecisionValue } from "./policy-decision";
import type { RouteTraceValue } from "./route-trace";
import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, numeric, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * One row per request that passed authentication. The id is the request id returned in
 * `x-request-id`; inserts use ON CONFLICT DO NOTHING so a retried batch never bills twice.
 * cost_usd is an exact decimal (never a float): tokens × price per 1M tokens / 1e6, at the org's price less its
 * provider discount (the effective cost); list_cost_usd the same tokens at the catalog price.
 */
export const usageLedger = pgTable(
  "usage_ledger",
  {
    id: text("id").primaryKey(),
    orgId: uuid("org_id").notNull(),
    teamId: uuid("team_id"),
    keyId: uuid("key_id"),
    keyPrefix: text("key_prefix"),
    requestedModel: text("requested_model"),
    servedModel: text("served_model"),
    provider: text("provider"),
    connectionId: uuid("connection_id"),
    endpoint: text("endpoint").notNull(),
    stream: boolean("stream").notNull().default(false),
    /** success | error | aborted */
    status: text("status").notNull(),
    httpStatus: integer("http_status").notNull(),
    errorKind: text("error_kind"),
    errorMessage: text("error_message"),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    cachedInputTokens: integer("cached_input_tokens").notNull().default(0),
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    /** The part of cache_write_tokens written with a 1-hour TTL (Anthropic's cache_creation.ephemeral_1h_input_tokens). */
    cacheWrite1hTokens: integer("cache_write_1h_tokens").notNull().default(0),
    reasoningTokens: integer("reasoning_tokens").notNull().default(0),
    tokensEstimated: boolean("tokens_estimated").notNull().default(false),
    costUsd: numeric("cost_usd", { precision: 24, scale: 12 }).notNull().default("0"),
    priceId: uuid("price_id"),
    /** The catalog (list) cost at the catalog price in force at request time; cost_usd is what the org pays. */
    listCostUsd: numeric("list_cost_usd", { precision: 24, scale: 12 }).notNull().default("0"),
    /** The org's own price (org_model_prices) and the provider discount in percent the request was priced with. */
    orgPriceId: uuid("org_price_id"),
    discountPercent: numeric("discount_percent", { precision: 7, scale: 4 }),
    latencyMs: integer("latency_ms").notNull(),
    ttftMs: integer("ttft_ms"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }).notNull(),
    clientAborted: boolean("client_aborted").notNull().default(false),
    warnings: jsonb("warnings").$type<{ code: string; param?: string; message: string }[]>().notNull().default([]),
    upstreamAttempts: integer("upstream_attempts").notNull().default(0),
    /** The request's end user (`user`, or `metadata.user_id` on /v1/messages), for user budgets and reports. */
    endUser: text("end_user"),
    /** The budgets (and periods) the request was charged to: its insert settles them in the same statement. */
    budgetCharges: jsonb("budget_charges").$type<{ budget_id: string; period_start: string; lease?: string; lease_amount?: string }[]>(),
    /** The policy decision (rule ids, actions, detectors fired, dry-run flags); never matched text. Null: no policy ran. */
    policy: jsonb("policy").$type<PolicyDecisionValue>(),
    /** The routing trace of a request to a model group (candidates, choice, attempts). Null: not routed. */
    routing: jsonb("routing").$type<RouteTraceValue>(),
    /** The A/B experiment and variant the request was assigned to (README "A/B experiments"). */
    experimentId: uuid("experiment_id"),
    variant: text("variant"),
    /**
     * The request this one was made for (a context-window summary): a child row. Every row's cost_usd is its own
     * upstream cost only, so sums over rows (reports, budgets) count each dollar once; the parent's total is its
     * cost plus its children's (README "Context-window management").
     */
    parentId: text("parent_id"),
    /** What context-window management did to the request (mode, what was cut or summarized, tokens before and after). Null: nothing ran. */
    contextTrace: jsonb("context_trace").$type<ContextTraceValue>(),
    /** The response cache's part (README "Response cache"): hit | miss | bypass; null: no cache for the request. */
    cacheStatus: text("cache_status"),
    /** On a hit: what the original answer cost (the money the hit saved); the hit itself costs nothing. */
    cacheSavedUsd: numeric("cache_saved_usd", { precision: 24, scale: 12 }),
    /**
     * Provider prompt caching on this request (README "Provider prompt caching"): what its cached-read and cache-write
     * tokens would have cost as plain input minus what they cost, at the pricing it was charged (negative when writes
     * outweighed reads); null when no token touched a cache.
     */
    promptCacheSavedUsd: numeric("prompt_cache_saved_usd", { precision: 24, scale: 12 }),
  },
  (table) => [
    index("usage_ledger_org_started_idx").on(table.orgId, table.startedAt, table.id),
    index("usage_ledger_key_started_idx").on(table.keyId, table.startedAt),
    index("usage_ledger_model_started_idx").on(table.requestedModel, table.startedAt),
    index("usage_ledger_experiment_idx").on(table.experimentId, table.variant),
    index("usage_ledger_parent_idx").on(table.parentId).where(sql`parent_id is not null`),
  ],
);
