CREATE TABLE "gateway_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"hostname" text NOT NULL,
	"limiter" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"scope_id" text,
	"rpm" integer,
	"tpm" integer,
	"concurrency" integer,
	"fail_mode" text DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rate_limits_scope_unique" UNIQUE NULLS NOT DISTINCT("org_id","scope","scope_id"),
	CONSTRAINT "rate_limits_positive" CHECK (coalesce("rate_limits"."rpm", 1) > 0 and coalesce("rate_limits"."tpm", 1) > 0 and coalesce("rate_limits"."concurrency", 1) > 0)
);
--> statement-breakpoint
ALTER TABLE "rate_limits" ADD CONSTRAINT "rate_limits_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;