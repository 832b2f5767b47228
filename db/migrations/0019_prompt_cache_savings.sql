ALTER TABLE "usage_ledger" ADD COLUMN "prompt_cache_saved_usd" numeric(24, 12);--> statement-breakpoint
ALTER TABLE "usage_rollups_org_hourly" ADD COLUMN "cached_input_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_rollups_org_hourly" ADD COLUMN "cache_write_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_rollups_org_hourly" ADD COLUMN "prompt_cache_saved_usd" numeric(30, 12) DEFAULT '0' NOT NULL;--> statement-breakpoint
-- Hand-written: the org rollups' cache tokens start from the ledger as it is (savings of earlier rows were not recorded: 0).
UPDATE "usage_rollups_org_hourly" r SET "cached_input_tokens" = s."cached", "cache_write_tokens" = s."written"
FROM (SELECT "org_id", date_trunc('hour', "started_at", 'UTC') AS "hour", sum("cached_input_tokens") AS "cached", sum("cache_write_tokens") AS "written" FROM "usage_ledger" GROUP BY 1, 2) s
WHERE r."org_id" = s."org_id" AND r."hour" = s."hour";
