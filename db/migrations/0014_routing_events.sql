CREATE TABLE "routing_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"group_id" uuid,
	"group_name" text NOT NULL,
	"deployment" text NOT NULL,
	"model_id" uuid,
	"kind" text NOT NULL,
	"state" text,
	"reason" text NOT NULL,
	"replica" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "routing_events" ADD CONSTRAINT "routing_events_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "routing_events_org_at_idx" ON "routing_events" USING btree ("org_id","at");