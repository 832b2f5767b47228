ALTER TABLE "organizations" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "cost_centre" text;--> statement-breakpoint
ALTER TABLE "virtual_keys" ADD COLUMN "cost_centre" text;