CREATE TABLE "cost_drift_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"scope" text NOT NULL,
	"period" text NOT NULL,
	"gateway_cost_usd" numeric(30, 12) NOT NULL,
	"provider_cost_usd" numeric(30, 12) NOT NULL,
	"variance_usd" numeric(30, 12) NOT NULL,
	"variance_percent" numeric(12, 2),
	"threshold_percent" numeric(7, 2) NOT NULL,
	"delivery_status" text DEFAULT 'none' NOT NULL,
	"attempts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cost_drift_alerts_once" UNIQUE("org_id","provider","scope","period")
);
--> statement-breakpoint
CREATE TABLE "cost_drift_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"threshold_percent" numeric(7, 2) DEFAULT '5.00' NOT NULL,
	"webhook_url" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_cost_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"day" date NOT NULL,
	"amount_usd" numeric(24, 12) NOT NULL,
	"currency" text DEFAULT 'USD' NOT NULL,
	"source" text NOT NULL,
	"line_items" integer DEFAULT 0 NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "provider_cost_imports_org_provider_day_unique" UNIQUE("org_id","provider","day")
);
--> statement-breakpoint
CREATE TABLE "provider_cost_sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"provider" text NOT NULL,
	"base_url" text NOT NULL,
	"credential_ciphertext" text NOT NULL,
	"credential_last4" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"lookback_days" integer DEFAULT 7 NOT NULL,
	"next_import_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone,
	"claimed_by" text,
	"last_import_at" timestamp with time zone,
	"last_status" text,
	"last_error" text,
	"last_days" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "provider_cost_sources_org_provider_unique" UNIQUE("org_id","provider")
);
--> statement-breakpoint
ALTER TABLE "cost_drift_alerts" ADD CONSTRAINT "cost_drift_alerts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_drift_settings" ADD CONSTRAINT "cost_drift_settings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_cost_imports" ADD CONSTRAINT "provider_cost_imports_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_cost_sources" ADD CONSTRAINT "provider_cost_sources_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;