CREATE TABLE "request_feedback" (
	"request_id" text NOT NULL,
	"metric" text NOT NULL,
	"org_id" uuid NOT NULL,
	"key_id" uuid,
	"experiment_id" uuid,
	"variant" text,
	"value" double precision,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "request_feedback_pk" PRIMARY KEY("request_id","metric")
);
--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN "guardrails" jsonb DEFAULT '{"min_requests":30}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN "events" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN "winner" text;--> statement-breakpoint
CREATE INDEX "request_feedback_experiment_idx" ON "request_feedback" USING btree ("experiment_id","variant","metric");