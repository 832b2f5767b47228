ALTER TABLE "usage_rollups_org_hourly" ADD COLUMN "ttft_histogram" integer[] DEFAULT '{0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0}'::int[] NOT NULL;--> statement-breakpoint
-- Backfill: every org-hour's time-to-first-token histogram from the ledger rows already rolled up (rows without a
-- first token, ttft_ms null, count in no bucket). The bounds repeat LATENCY_BUCKET_BOUNDS of db/queries/usage-rollups.ts.
WITH "buckets" AS MATERIALIZED (
  SELECT "org_id", date_trunc('hour', "started_at", 'UTC') AS "hour",
    width_bucket("ttft_ms", '{0,25,50,100,150,200,300,400,500,750,1000,1500,2000,3000,4000,5000,7500,10000,15000,20000,30000,60000,120000,300000}'::int[]) AS "bucket", count(*)::int AS "n"
  FROM "usage_ledger" WHERE "ttft_ms" IS NOT NULL GROUP BY 1, 2, 3
)
UPDATE "usage_rollups_org_hourly" r SET "ttft_histogram" = array(
  SELECT coalesce(b."n", 0) FROM generate_series(1, 24) AS i(i)
  LEFT JOIN "buckets" b ON b."org_id" = r."org_id" AND b."hour" = r."hour" AND b."bucket" = i.i ORDER BY i.i)
WHERE EXISTS (SELECT 1 FROM "buckets" b WHERE b."org_id" = r."org_id" AND b."hour" = r."hour");
