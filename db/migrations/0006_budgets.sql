CREATE TABLE "budget_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"budget_id" uuid NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"threshold" numeric(6, 4) NOT NULL,
	"spent" numeric(24, 12) NOT NULL,
	"delivery_status" text NOT NULL,
	"attempts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budget_alerts_once" UNIQUE("budget_id","period_start","threshold")
);
--> statement-breakpoint
CREATE TABLE "budget_counters" (
	"budget_id" uuid NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"spent" numeric(24, 12) DEFAULT '0' NOT NULL,
	"reserved" numeric(24, 12) DEFAULT '0' NOT NULL,
	"alerts_fired" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "budget_counters_budget_id_period_start_pk" PRIMARY KEY("budget_id","period_start"),
	CONSTRAINT "budget_counters_reserved_nonnegative" CHECK ("budget_counters"."reserved" >= 0)
);
--> statement-breakpoint
CREATE TABLE "budget_reservations" (
	"request_id" text NOT NULL,
	"budget_id" uuid NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"amount" numeric(24, 12) NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "budget_reservations_request_id_budget_id_pk" PRIMARY KEY("request_id","budget_id")
);
--> statement-breakpoint
CREATE TABLE "budgets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"scope" text NOT NULL,
	"scope_id" text,
	"model" text,
	"period" text NOT NULL,
	"limit_usd" numeric(24, 12) NOT NULL,
	"alert_thresholds" jsonb DEFAULT '[0.5,0.8,1]'::jsonb NOT NULL,
	"webhook_url" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "budgets_scope_unique" UNIQUE NULLS NOT DISTINCT("org_id","scope","scope_id","model","period"),
	CONSTRAINT "budgets_limit_positive" CHECK ("budgets"."limit_usd" > 0)
);
--> statement-breakpoint
ALTER TABLE "usage_ledger" ADD COLUMN "end_user" text;--> statement-breakpoint
ALTER TABLE "usage_ledger" ADD COLUMN "budget_charges" jsonb;--> statement-breakpoint
ALTER TABLE "budget_alerts" ADD CONSTRAINT "budget_alerts_budget_id_budgets_id_fk" FOREIGN KEY ("budget_id") REFERENCES "public"."budgets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_counters" ADD CONSTRAINT "budget_counters_budget_id_budgets_id_fk" FOREIGN KEY ("budget_id") REFERENCES "public"."budgets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_reservations" ADD CONSTRAINT "budget_reservations_budget_id_budgets_id_fk" FOREIGN KEY ("budget_id") REFERENCES "public"."budgets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budgets" ADD CONSTRAINT "budgets_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "budget_alerts_budget_idx" ON "budget_alerts" USING btree ("budget_id","created_at");--> statement-breakpoint
CREATE INDEX "budget_reservations_expires_idx" ON "budget_reservations" USING btree ("expires_at");--> statement-breakpoint
-- Hand-written (README "Budgets"): reserves a request's worst-case cost against every budget that applies to it, in
-- one call and all or nothing. Budgets are taken in the order given (the gateway sorts them by id, so two requests
-- never lock counters in opposite orders). A budget whose spent + reserved already reaches its limit raises MGB01
-- naming it (the whole call rolls back). A reservation larger than what remains is capped at the remainder when no
-- other request holds a reservation on that budget (so one large request does not pin a small budget), and refused
-- with MGB02 (retry shortly) while others do. A budget deleted meanwhile is skipped.
CREATE OR REPLACE FUNCTION modelgate_reserve_budgets(p_request text, p_items jsonb, p_expires timestamptz)
RETURNS TABLE (reserved_budget_id uuid, reserved_amount numeric)
LANGUAGE plpgsql AS $$
DECLARE
  v_item jsonb;
  v_budget uuid;
  v_period timestamptz;
  v_limit numeric;
  v_spent numeric;
  v_reserved numeric;
  v_amount numeric;
BEGIN
  FOR v_item IN SELECT e.value FROM jsonb_array_elements(p_items) WITH ORDINALITY AS e(value, position) ORDER BY e.position LOOP
    v_budget := (v_item->>'budget_id')::uuid;
    v_period := (v_item->>'period_start')::timestamptz;
    INSERT INTO budget_counters (budget_id, period_start)
      SELECT b.id, v_period FROM budgets b WHERE b.id = v_budget
      ON CONFLICT DO NOTHING;
    SELECT b.limit_usd, c.spent, c.reserved INTO v_limit, v_spent, v_reserved
      FROM budget_counters c JOIN budgets b ON b.id = c.budget_id
      WHERE c.budget_id = v_budget AND c.period_start = v_period
      FOR UPDATE OF c;
    IF NOT FOUND THEN
      CONTINUE;
    END IF;
    IF v_spent + v_reserved >= v_limit THEN
      RAISE EXCEPTION 'budget exhausted' USING ERRCODE = 'MGB01', DETAIL = v_budget::text;
    END IF;
    v_amount := (v_item->>'amount')::numeric;
    IF v_amount > v_limit - v_spent - v_reserved THEN
      -- Too large for what remains: capped only when nothing else is in flight on this budget, so at most one
      -- capped reservation exists at a time and the overshoot stays below one request beyond its reservation.
      IF v_reserved > 0 THEN
        RAISE EXCEPTION 'budget held by requests in flight' USING ERRCODE = 'MGB02', DETAIL = v_budget::text;
      END IF;
      v_amount := v_limit - v_spent;
    END IF;
    UPDATE budget_counters c SET reserved = c.reserved + v_amount
      WHERE c.budget_id = v_budget AND c.period_start = v_period;
    INSERT INTO budget_reservations (request_id, budget_id, period_start, amount, expires_at)
      VALUES (p_request, v_budget, v_period, v_amount, p_expires);
    reserved_budget_id := v_budget;
    reserved_amount := v_amount;
    RETURN NEXT;
  END LOOP;
END
$$;
