CREATE TABLE "request_bodies" (
	"request_id" text PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"key_id" uuid,
	"started_at" timestamp with time zone NOT NULL,
	"endpoint" text NOT NULL,
	"mode" text NOT NULL,
	"caller_region" text,
	"body" jsonb NOT NULL,
	"response_text" text
);
--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "body_logging" text DEFAULT 'none' NOT NULL;--> statement-breakpoint
ALTER TABLE "virtual_keys" ADD COLUMN "body_logging" text;--> statement-breakpoint
ALTER TABLE "request_bodies" ADD CONSTRAINT "request_bodies_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "request_bodies_org_started_idx" ON "request_bodies" USING btree ("org_id","started_at");