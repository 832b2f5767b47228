CREATE TABLE "usage_rollups_daily" (
	"org_id" uuid NOT NULL,
	"day" timestamp with time zone NOT NULL,
	"team_id" uuid,
	"key_id" uuid,
	"requested_model" text,
	"provider" text,
	"requests" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"cached_input_tokens" bigint NOT NULL,
	"cache_write_tokens" bigint NOT NULL,
	"cost_usd" numeric(30, 12) NOT NULL,
	"list_cost_usd" numeric(30, 12) NOT NULL,
	"latency_ms_sum" bigint NOT NULL,
	CONSTRAINT "usage_rollups_daily_dims_unique" UNIQUE NULLS NOT DISTINCT("org_id","day","team_id","key_id","requested_model","provider")
);
--> statement-breakpoint
-- Backfill (hand-written): the daily sums of the hourly rollups, which equal the ledger's (README "Request log at scale").
INSERT INTO "usage_rollups_daily" ("org_id", "day", "team_id", "key_id", "requested_model", "provider", "requests", "errors", "input_tokens", "output_tokens",
  "cached_input_tokens", "cache_write_tokens", "cost_usd", "list_cost_usd", "latency_ms_sum")
SELECT "org_id", date_trunc('day', "hour", 'UTC'), "team_id", "key_id", "requested_model", "provider", sum("requests"), sum("errors"), sum("input_tokens"), sum("output_tokens"),
  sum("cached_input_tokens"), sum("cache_write_tokens"), sum("cost_usd"), sum("list_cost_usd"), sum("latency_ms_sum")
FROM "usage_rollups_hourly" GROUP BY 1, 2, 3, 4, 5, 6;
