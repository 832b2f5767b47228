CREATE TABLE "mcp_servers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"url" text NOT NULL,
	"transport" text DEFAULT 'streamable_http' NOT NULL,
	"auth_mode" text DEFAULT 'none' NOT NULL,
	"auth_header_name" text,
	"credential_ciphertext" text,
	"oauth_token_url" text,
	"oauth_client_id" text,
	"oauth_scope" text,
	"timeout_ms" integer DEFAULT 30000 NOT NULL,
	"forward_headers" text[] DEFAULT '{}'::text[] NOT NULL,
	"log_arguments" boolean DEFAULT false NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"last_synced_at" timestamp with time zone,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mcp_servers_slug_unique" UNIQUE("org_id","slug"),
	CONSTRAINT "mcp_servers_timeout_range" CHECK ("mcp_servers"."timeout_ms" between 100 and 600000)
);
--> statement-breakpoint
CREATE TABLE "mcp_tools" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"server_id" uuid NOT NULL,
	"name" text NOT NULL,
	"exposed_name" text,
	"expose_error" text,
	"definition" jsonb NOT NULL,
	"definition_hash" text NOT NULL,
	"approved_definition" jsonb,
	"approved_hash" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"flags" text[] DEFAULT '{}'::text[] NOT NULL,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mcp_tools_name_unique" UNIQUE("server_id","name")
);
--> statement-breakpoint
CREATE TABLE "mcp_grants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"subject_id" uuid NOT NULL,
	"server_id" uuid,
	"tool" text DEFAULT '*' NOT NULL,
	"rpm" integer,
	"concurrency" integer,
	"cost_per_call_usd" numeric(24, 12) DEFAULT '0' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mcp_grants_cost_nonnegative" CHECK ("mcp_grants"."cost_per_call_usd" >= 0)
);
--> statement-breakpoint
CREATE TABLE "mcp_calls" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"key_id" uuid,
	"team_id" uuid,
	"server_id" uuid,
	"server_slug" text,
	"tool" text NOT NULL,
	"status" text NOT NULL,
	"latency_ms" integer NOT NULL,
	"request_bytes" integer DEFAULT 0 NOT NULL,
	"response_bytes" integer DEFAULT 0 NOT NULL,
	"cost_usd" numeric(24, 12) DEFAULT '0' NOT NULL,
	"arguments" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mcp_servers" ADD CONSTRAINT "mcp_servers_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_tools" ADD CONSTRAINT "mcp_tools_server_id_mcp_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."mcp_servers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_grants" ADD CONSTRAINT "mcp_grants_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_grants" ADD CONSTRAINT "mcp_grants_server_id_mcp_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."mcp_servers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_calls" ADD CONSTRAINT "mcp_calls_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mcp_tools_server_idx" ON "mcp_tools" USING btree ("server_id");--> statement-breakpoint
CREATE INDEX "mcp_grants_subject_idx" ON "mcp_grants" USING btree ("org_id","subject","subject_id");--> statement-breakpoint
CREATE INDEX "mcp_calls_org_idx" ON "mcp_calls" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "mcp_calls_tool_idx" ON "mcp_calls" USING btree ("org_id","server_id","tool");