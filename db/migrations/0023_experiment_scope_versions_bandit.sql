CREATE TABLE "experiment_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"experiment_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"variants" jsonb NOT NULL,
	"guardrails" jsonb NOT NULL,
	"scope" jsonb NOT NULL,
	"bandit" jsonb,
	"created_by" text NOT NULL,
	"note" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "experiment_versions_unique" UNIQUE("experiment_id","version")
);
--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN "scope" jsonb DEFAULT '{"key_ids":[],"team_ids":[]}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN "bandit" jsonb;--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN "split_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "experiment_versions" ADD CONSTRAINT "experiment_versions_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
INSERT INTO "experiment_versions" ("experiment_id", "org_id", "version", "variants", "guardrails", "scope", "bandit", "created_by", "note") SELECT "id", "org_id", 1, "variants", "guardrails", "scope", "bandit", 'system', 'created' FROM "experiments";
