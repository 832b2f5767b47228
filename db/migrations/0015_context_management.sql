CREATE TABLE "context_summaries" (
	"org_id" uuid NOT NULL,
	"prefix_hash" text NOT NULL,
	"message_count" integer NOT NULL,
	"summary" text NOT NULL,
	"tokens" integer NOT NULL,
	"model" text NOT NULL,
	"request_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "context_summaries_org_id_prefix_hash_pk" PRIMARY KEY("org_id","prefix_hash")
);
--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "context" jsonb;--> statement-breakpoint
ALTER TABLE "usage_ledger" ADD COLUMN "parent_id" text;--> statement-breakpoint
ALTER TABLE "usage_ledger" ADD COLUMN "context_trace" jsonb;--> statement-breakpoint
ALTER TABLE "context_summaries" ADD CONSTRAINT "context_summaries_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "context_summaries_created_idx" ON "context_summaries" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "usage_ledger_parent_idx" ON "usage_ledger" USING btree ("parent_id") WHERE parent_id is not null;