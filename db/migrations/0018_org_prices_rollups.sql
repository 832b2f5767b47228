CREATE TABLE "org_model_prices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"model_id" uuid NOT NULL,
	"effective_from" timestamp with time zone DEFAULT now() NOT NULL,
	"input_per_mtok" numeric(18, 6),
	"output_per_mtok" numeric(18, 6),
	"cached_input_per_mtok" numeric(18, 6),
	"cache_write_per_mtok" numeric(18, 6),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_discounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"percent" numeric(7, 4) NOT NULL,
	"effective_from" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_rollups_hourly" (
	"org_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
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
	CONSTRAINT "usage_rollups_hourly_dims_unique" UNIQUE NULLS NOT DISTINCT("org_id","hour","team_id","key_id","requested_model","provider")
);
--> statement-breakpoint
CREATE TABLE "usage_rollups_org_hourly" (
	"org_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"requests" bigint NOT NULL,
	"errors" bigint NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"cost_usd" numeric(30, 12) NOT NULL,
	"list_cost_usd" numeric(30, 12) NOT NULL,
	"latency_ms_sum" bigint NOT NULL,
	"latency_histogram" integer[] NOT NULL,
	"cache_hits" bigint DEFAULT 0 NOT NULL,
	"cache_saved_usd" numeric(30, 12) DEFAULT '0' NOT NULL,
	CONSTRAINT "usage_rollups_org_hourly_org_id_hour_pk" PRIMARY KEY("org_id","hour")
);
--> statement-breakpoint
ALTER TABLE "usage_ledger" ADD COLUMN "list_cost_usd" numeric(24, 12) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_ledger" ADD COLUMN "org_price_id" uuid;--> statement-breakpoint
ALTER TABLE "usage_ledger" ADD COLUMN "discount_percent" numeric(7, 4);--> statement-breakpoint
ALTER TABLE "org_model_prices" ADD CONSTRAINT "org_model_prices_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_model_prices" ADD CONSTRAINT "org_model_prices_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_discounts" ADD CONSTRAINT "provider_discounts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "org_model_prices_model_effective_idx" ON "org_model_prices" USING btree ("model_id","effective_from");--> statement-breakpoint
CREATE INDEX "provider_discounts_org_provider_effective_idx" ON "provider_discounts" USING btree ("org_id","provider","effective_from");--> statement-breakpoint
-- Hand-written: rows recorded before org prices existed were charged the catalog price, so their list cost is their cost.
UPDATE "usage_ledger" SET "list_cost_usd" = "cost_usd" WHERE "list_cost_usd" = 0 AND "cost_usd" <> 0;--> statement-breakpoint
-- Hand-written: the rollups start from the ledger as it is (db/queries/usage-rollups.ts maintains them from here on).
INSERT INTO "usage_rollups_hourly" ("org_id", "hour", "team_id", "key_id", "requested_model", "provider", "requests", "errors", "input_tokens", "output_tokens", "cached_input_tokens", "cache_write_tokens", "cost_usd", "list_cost_usd", "latency_ms_sum")
SELECT "org_id", date_trunc('hour', "started_at", 'UTC'), "team_id", "key_id", "requested_model", "provider", count(*), count(*) FILTER (WHERE "status" <> 'success'),
  sum("input_tokens"), sum("output_tokens"), sum("cached_input_tokens"), sum("cache_write_tokens"), sum("cost_usd"), sum("list_cost_usd"), sum("latency_ms")
FROM "usage_ledger" GROUP BY 1, 2, 3, 4, 5, 6;--> statement-breakpoint
-- The bounds repeat LATENCY_BUCKET_BOUNDS of db/queries/usage-rollups.ts.
WITH "buckets" AS MATERIALIZED (
  SELECT "org_id", date_trunc('hour', "started_at", 'UTC') AS "hour",
    width_bucket("latency_ms", '{0,25,50,100,150,200,300,400,500,750,1000,1500,2000,3000,4000,5000,7500,10000,15000,20000,30000,60000,120000,300000}'::int[]) AS "bucket", count(*)::int AS "n"
  FROM "usage_ledger" GROUP BY 1, 2, 3
), "sums" AS (
  SELECT "org_id", date_trunc('hour', "started_at", 'UTC') AS "hour", count(*) AS "requests", count(*) FILTER (WHERE "status" <> 'success') AS "errors",
    sum("input_tokens") AS "input_tokens", sum("output_tokens") AS "output_tokens", sum("cost_usd") AS "cost_usd", sum("list_cost_usd") AS "list_cost_usd", sum("latency_ms") AS "latency_ms_sum",
    count(*) FILTER (WHERE "cache_status" = 'hit') AS "cache_hits", coalesce(sum("cache_saved_usd"), 0) AS "cache_saved_usd"
  FROM "usage_ledger" GROUP BY 1, 2
)
INSERT INTO "usage_rollups_org_hourly" ("org_id", "hour", "requests", "errors", "input_tokens", "output_tokens", "cost_usd", "list_cost_usd", "latency_ms_sum", "cache_hits", "cache_saved_usd", "latency_histogram")
SELECT s."org_id", s."hour", s."requests", s."errors", s."input_tokens", s."output_tokens", s."cost_usd", s."list_cost_usd", s."latency_ms_sum", s."cache_hits", s."cache_saved_usd",
  array(SELECT coalesce(b."n", 0) FROM generate_series(1, 24) AS i(i)
        LEFT JOIN "buckets" b ON b."org_id" = s."org_id" AND b."hour" = s."hour" AND b."bucket" = i.i ORDER BY i.i)
FROM "sums" s;
