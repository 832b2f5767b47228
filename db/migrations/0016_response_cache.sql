CREATE TABLE "response_cache_entries" (
	"org_id" uuid NOT NULL,
	"hash" text NOT NULL,
	"answer" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "response_cache_entries_org_id_hash_pk" PRIMARY KEY("org_id","hash")
);
--> statement-breakpoint
CREATE TABLE "response_cache_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"mode" text DEFAULT 'off' NOT NULL,
	"ttl_seconds" integer DEFAULT 3600 NOT NULL,
	"semantic_model" text,
	"semantic_threshold" numeric(4, 3),
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "response_cache_vectors" (
	"org_id" uuid NOT NULL,
	"params_hash" text NOT NULL,
	"hash" text NOT NULL,
	"vector" real[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "response_cache_vectors_org_id_params_hash_hash_pk" PRIMARY KEY("org_id","params_hash","hash")
);
--> statement-breakpoint
ALTER TABLE "virtual_keys" ADD COLUMN "response_cache" text;--> statement-breakpoint
ALTER TABLE "usage_ledger" ADD COLUMN "cache_status" text;--> statement-breakpoint
ALTER TABLE "usage_ledger" ADD COLUMN "cache_saved_usd" numeric(24, 12);--> statement-breakpoint
ALTER TABLE "response_cache_settings" ADD CONSTRAINT "response_cache_settings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "response_cache_entries_expires_idx" ON "response_cache_entries" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "response_cache_vectors_recent_idx" ON "response_cache_vectors" USING btree ("org_id","params_hash","created_at");--> statement-breakpoint
CREATE INDEX "response_cache_vectors_expires_idx" ON "response_cache_vectors" USING btree ("expires_at");