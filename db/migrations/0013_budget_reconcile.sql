ALTER TABLE "budgets" ADD COLUMN "reconcile_from" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "budgets" ADD COLUMN "reconcile_after" timestamp with time zone;