CREATE TABLE "budget_leases" (
	"lease_id" text NOT NULL,
	"budget_id" uuid NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"amount" numeric(24, 12) NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "budget_leases_lease_id_budget_id_period_start_pk" PRIMARY KEY("lease_id","budget_id","period_start")
);
--> statement-breakpoint
ALTER TABLE "budget_leases" ADD CONSTRAINT "budget_leases_budget_id_budgets_id_fk" FOREIGN KEY ("budget_id") REFERENCES "public"."budgets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "budget_leases_expires_idx" ON "budget_leases" USING btree ("expires_at");--> statement-breakpoint
-- Hand-written (README "Budgets"): grants a replica slices of what remains of several budgets in one call. Each item
-- asks for `want`; a budget grants it only while it is at most a quarter of what remains (limit − spent − reserved),
-- else grants 0, so near its limit a budget is reserved per request (modelgate_reserve_budgets) and no slice stands
-- in a request's way. What is granted is added to reserved and to the replica's lease row, in the same transaction.
-- Counters are locked in the order given (sorted by budget id).
CREATE OR REPLACE FUNCTION modelgate_lease_budgets(p_lease text, p_items jsonb, p_expires timestamptz)
RETURNS TABLE (leased_budget_id uuid, leased_amount numeric)
LANGUAGE plpgsql AS $$
DECLARE
  v_item jsonb;
  v_budget uuid;
  v_period timestamptz;
  v_limit numeric;
  v_spent numeric;
  v_reserved numeric;
  v_grant numeric;
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
    v_grant := (v_item->>'want')::numeric;
    IF v_grant > trunc((v_limit - v_spent - v_reserved) / 4, 12) OR v_grant <= 0 THEN
      v_grant := 0;
    ELSE
      UPDATE budget_counters c SET reserved = c.reserved + v_grant
        WHERE c.budget_id = v_budget AND c.period_start = v_period;
      INSERT INTO budget_leases (lease_id, budget_id, period_start, amount, expires_at)
        VALUES (p_lease, v_budget, v_period, v_grant, p_expires)
        ON CONFLICT (lease_id, budget_id, period_start)
        DO UPDATE SET amount = budget_leases.amount + excluded.amount, expires_at = greatest(budget_leases.expires_at, excluded.expires_at);
    END IF;
    leased_budget_id := v_budget;
    leased_amount := v_grant;
    RETURN NEXT;
  END LOOP;
END
$$;
