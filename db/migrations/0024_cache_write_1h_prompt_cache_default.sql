ALTER TABLE "organizations" ADD COLUMN "prompt_cache_default" text DEFAULT 'auto' NOT NULL;--> statement-breakpoint
ALTER TABLE "model_prices" ADD COLUMN "cache_write_1h_per_mtok" numeric(18, 6);--> statement-breakpoint
ALTER TABLE "usage_ledger" ADD COLUMN "cache_write_1h_tokens" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "org_model_prices" ADD COLUMN "cache_write_1h_per_mtok" numeric(18, 6);