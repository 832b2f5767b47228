CREATE TABLE "period_close_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"close_id" uuid NOT NULL,
	"team_id" uuid,
	"key_id" uuid,
	"end_user" text,
	"model" text,
	"provider" text,
	"region" text,
	"tag" text,
	"requests" integer NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"cached_input_tokens" bigint NOT NULL,
	"cost_usd" numeric(24, 12) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "period_closes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"month" text NOT NULL,
	"time_zone" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"requests" integer NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"cached_input_tokens" bigint NOT NULL,
	"cost_usd" numeric(24, 12) NOT NULL,
	"closed_by" text NOT NULL,
	"closed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reopened_by" text,
	"reopened_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "provider_invoices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"month" text NOT NULL,
	"provider" text NOT NULL,
	"total_usd" numeric(24, 12) NOT NULL,
	"invoice_number" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "provider_invoices_org_month_provider_unique" UNIQUE("org_id","month","provider")
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "cost_centre" text;--> statement-breakpoint
ALTER TABLE "virtual_keys" ADD COLUMN "cost_centre" text;--> statement-breakpoint
ALTER TABLE "period_close_lines" ADD CONSTRAINT "period_close_lines_close_id_period_closes_id_fk" FOREIGN KEY ("close_id") REFERENCES "public"."period_closes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "period_closes" ADD CONSTRAINT "period_closes_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_invoices" ADD CONSTRAINT "provider_invoices_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "period_close_lines_close_idx" ON "period_close_lines" USING btree ("close_id");--> statement-breakpoint
CREATE UNIQUE INDEX "period_closes_open_month_unique" ON "period_closes" USING btree ("org_id","month") WHERE "period_closes"."reopened_at" is null;--> statement-breakpoint
CREATE INDEX "period_closes_org_month_idx" ON "period_closes" USING btree ("org_id","month");