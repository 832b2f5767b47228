import { and, asc, eq, sql } from "drizzle-orm";
import { executeRows, type Executor } from "../client";
import { budgetAlerts, budgets } from "../schema";

export type BudgetRow = typeof budgets.$inferSelect;
export type BudgetScopeValue = BudgetRow["scope"];
export type BudgetPeriodValue = BudgetRow["period"];

/** One budget a request is charged to, for one period. */
export interface BudgetCharge {
  budgetId: string;
  periodStart: Date;
  /** The worst-case cost to reserve, a decimal string in USD. */
  amount: string;
}

export type ReserveOutcome =
  | { ok: true; reserved: { budgetId: string; amount: string }[] }
  /** exhausted: spent + reserved reached the limit; held: what remains is held by requests in flight (retry shortly). */
  | { ok: false; budgetId: string; reason: "exhausted" | "held" };

/**
 * Reserves a request's worst-case cost against every charge in one statement (modelgate_reserve_budgets, all or
 * nothing; capped at what remains only while no other reservation is held). Charges must come sorted by budget id,
 * so concurrent requests lock counters in one order. A budget that refuses answers { ok: false } naming it.
 */
export async function reserveBudgets(db: Executor, requestId: string, charges: BudgetCharge[], expiresAt: Date): Promise<ReserveOutcome> {
  const items = JSON.stringify(charges.map((charge) => ({ budget_id: charge.budgetId, period_start: charge.periodStart.toISOString(), amount: charge.amount })));
  try {
    const rows = await executeRows<{ reserved_budget_id: string; reserved_amount: string }>(
      db,
      sql`select reserved_budget_id, reserved_amount::text as reserved_amount from modelgate_reserve_budgets(${requestId}, ${items}::jsonb, ${expiresAt.toISOString()}::timestamptz)`,
    );
    return { ok: true, reserved: rows.map((row) => ({ budgetId: row.reserved_budget_id, amount: row.reserved_amount })) };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause ?? error;
    const { code, detail } = cause as { code?: string; detail?: string };
    if ((code === "MGB01" || code === "MGB02") && detail) return { ok: false, budgetId: detail, reason: code === "MGB01" ? "exhausted" : "held" };
    throw error;
  }
}

/** A slice a replica asks for (a decimal string in USD). */
export interface LeaseAsk {
  budgetId: string;
  periodStart: Date;
  want: string;
}

/**
 * Grants the lease slices of several budgets in one call (modelgate_lease_budgets: each `want` in full while it is
 * at most a quarter of what remains, else 0). Asks must come sorted by budget id. A budget deleted meanwhile is
 * missing from the answer. Returns the amount granted per budget id (decimal strings).
 */
export async function leaseBudgets(db: Executor, leaseId: string, asks: LeaseAsk[], expiresAt: Date): Promise<Map<string, string>> {
  const items = JSON.stringify(asks.map((ask) => ({ budget_id: ask.budgetId, period_start: ask.periodStart.toISOString(), want: ask.want })));
  const rows = await executeRows<{ leased_budget_id: string; leased_amount: string }>(
    db,
    sql`select leased_budget_id, leased_amount::text as leased_amount from modelgate_lease_budgets(${leaseId}, ${items}::jsonb, ${expiresAt.toISOString()}::timestamptz)`,
  );
  return new Map(rows.map((row) => [row.leased_budget_id, row.leased_amount]));
}

/**
 * Gives back unused parts of a replica's slices: each amount leaves the lease row and the counter's reserved in one
 * statement. A slice that no longer holds the amount (swept after it expired) returns nothing.
 */
export async function returnLeases(db: Executor, leaseId: string, parts: { budgetId: string; periodStart: Date; amount: string }[]): Promise<void> {
  if (parts.length === 0) return;
  const items = JSON.stringify(parts.map((part) => ({ budget_id: part.budgetId, period_start: part.periodStart.toISOString(), amount: part.amount })));
  await executeRows(
    db,
    sql`with items as (select * from jsonb_to_recordset(${items}::jsonb) as i(budget_id uuid, period_start timestamptz, amount numeric)),
      returned as (
        update budget_leases l set amount = l.amount - i.amount from items i
        where l.lease_id = ${leaseId} and l.budget_id = i.budget_id and l.period_start = i.period_start and l.amount >= i.amount
        returning l.budget_id, l.period_start, i.amount
      )
      update budget_counters c set reserved = greatest(c.reserved - r.amount, 0) from returned r
      where c.budget_id = r.budget_id and c.period_start = r.period_start`,
  );
}

/** Keeps a live replica's slices from being swept: pushes their expiry out. */
export async function renewLeases(db: Executor, leaseId: string, expiresAt: Date): Promise<void> {
  await executeRows(db, sql`update budget_leases set expires_at = ${expiresAt.toISOString()}::timestamptz where lease_id = ${leaseId} and amount > 0`);
}

/** Frees reservations whose request never settled (its replica died): reserved goes down, spent is untouched. */
export async function sweepExpiredReservations(db: Executor, now = new Date()): Promise<number> {
  const rows = await executeRows<{ n: number }>(
    db,
    sql`with expired as (delete from budget_reservations where expires_at < ${now.toISOString()}::timestamptz returning budget_id, period_start, amount),
      freed as (select budget_id, period_start, sum(amount) as amount, count(*) as n from expired group by budget_id, period_start),
      released as (update budget_counters c set reserved = c.reserved - freed.amount from freed where c.budget_id = freed.budget_id and c.period_start = freed.period_start returning freed.n)
      select coalesce(sum(n), 0)::int as n from released`,
  );
  // Slices of replicas that stopped renewing them (what they held for requests never settled, and what they never
  // used) go back the same way.
  const leases = await executeRows<{ n: number }>(
    db,
    sql`with expired as (delete from budget_leases where expires_at < ${now.toISOString()}::timestamptz returning budget_id, period_start, amount),
      freed as (select budget_id, period_start, sum(amount) as amount, count(*) filter (where amount > 0) as n from expired group by budget_id, period_start),
      released as (update budget_counters c set reserved = greatest(c.reserved - freed.amount, 0) from freed where c.budget_id = freed.budget_id and c.period_start = freed.period_start returning freed.n)
      select coalesce(sum(n), 0)::int as n from released`,
  );
  return (rows[0]?.n ?? 0) + (leases[0]?.n ?? 0);
}

export interface BudgetState extends BudgetRow {
  periodStart: Date | null;
  spent: string;
  reserved: string;
}

export async function listBudgetRows(db: Executor, orgId: string): Promise<BudgetRow[]> {
  return db.select().from(budgets).where(eq(budgets.orgId, orgId)).orderBy(asc(budgets.scope), asc(budgets.scopeId), asc(budgets.createdAt));
}

export async function findBudget(db: Executor, orgId: string, id: string): Promise<BudgetRow | undefined> {
  const [row] = await db.select().from(budgets).where(and(eq(budgets.orgId, orgId), eq(budgets.id, id)));
  return row;
}

/** Each budget's counter for the given period start (by budget id); a budget without a counter there has spent 0. */
export async function readCounters(db: Executor, periods: { budgetId: string; periodStart: Date }[]): Promise<Map<string, { spent: string; reserved: string }>> {
  if (periods.length === 0) return new Map();
  const items = JSON.stringify(periods.map((period) => ({ budget_id: period.budgetId, period_start: period.periodStart.toISOString() })));
  const rows = await executeRows<{ budget_id: string; spent: string; reserved: string }>(
    db,
    sql`select c.budget_id, c.spent::text as spent, c.reserved::text as reserved
      from jsonb_to_recordset(${items}::jsonb) as p(budget_id uuid, period_start timestamptz)
      join budget_counters c on c.budget_id = p.budget_id and c.period_start = p.period_start`,
  );
  return new Map(rows.map((row) => [row.budget_id, { spent: row.spent, reserved: row.reserved }]));
}

/** The ledger rows a budget counts: its scope, narrowed to its model when it has one. */
function budgetScope(budget: BudgetRow) {
  const scopeCondition =
    budget.scope === "org"
      ? sql`true`
      : budget.scope === "key"
        ? sql`l.key_id = ${budget.scopeId}::uuid`
        : budget.scope === "team"
          ? sql`l.team_id = ${budget.scopeId}::uuid`
          : budget.scope === "user"
            ? sql`l.end_user = ${budget.scopeId}`
            : sql`l.requested_model = ${budget.scopeId}`;
  const modelCondition = budget.model ? sql`l.requested_model = ${budget.model}` : sql`true`;
  return sql`l.org_id = ${budget.orgId}::uuid and ${scopeCondition} and ${modelCondition}`;
}

/**
 * Starts a budget's counter for a period at what the ledger already holds for its scope in that period, so a budget
 * created mid-month counts the month's earlier spend. Idempotent (an existing counter is kept).
 */
export async function seedCounter(db: Executor, budget: BudgetRow, periodStart: Date): Promise<void> {
  await executeRows(
    db,
    sql`insert into budget_counters (budget_id, period_start, spent)
      select ${budget.id}::uuid, ${periodStart.toISOString()}::timestamptz, coalesce(sum(l.cost_usd), 0)
      from usage_ledger l where l.started_at >= ${periodStart.toISOString()}::timestamptz and ${budgetScope(budget)}
      on conflict do nothing`,
  );
}

/** Spend per UTC day since `from` for the budget's scope (exact decimals), for the burn-down chart. */
export async function dailySpend(db: Executor, budget: BudgetRow, from: Date): Promise<{ day: string; cost: string }[]> {
  return executeRows<{ day: string; cost: string }>(
    db,
    sql`select to_char(date_trunc('day', l.started_at at time zone 'UTC'), 'YYYY-MM-DD') as day, sum(l.cost_usd)::text as cost
      from usage_ledger l where l.started_at >= ${from.toISOString()}::timestamptz and ${budgetScope(budget)}
      group by 1 order by 1`,
  );
}

export async function insertBudget(tx: Executor, values: typeof budgets.$inferInsert): Promise<BudgetRow> {
  const [row] = await tx.insert(budgets).values(values).returning();
  return row;
}

/** Schedules a recount of every budget of the org (its counters started counting at `from`). */
export async function markBudgetsForRecount(tx: Executor, orgId: string, from: Date): Promise<void> {
  await tx.update(budgets).set({ reconcileFrom: from, reconcileAfter: null }).where(eq(budgets.orgId, orgId));
}

export async function updateBudgetRow(tx: Executor, orgId: string, id: string, patch: Partial<Pick<BudgetRow, "limitUsd" | "alertThresholds" | "webhookUrl">>): Promise<BudgetRow | undefined> {
  const [row] = await tx
    .update(budgets)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(budgets.orgId, orgId), eq(budgets.id, id)))
    .returning();
  return row;
}

export async function deleteBudgetRow(tx: Executor, orgId: string, id: string): Promise<void> {
  await tx.delete(budgets).where(and(eq(budgets.orgId, orgId), eq(budgets.id, id)));
}

export async function listBudgetAlerts(db: Executor, budgetId: string, limit = 50) {
  return db.select().from(budgetAlerts).where(eq(budgetAlerts.budgetId, budgetId)).orderBy(sql`${budgetAlerts.createdAt} desc`).limit(limit);
}

/** The org's alerts fired since `since`, newest first, with the budget they belong to (console notifications). */
export async function listRecentBudgetAlerts(db: Executor, orgId: string, since: Date, limit = 20) {
  return db
    .select({
      id: budgetAlerts.id,
      budgetId: budgetAlerts.budgetId,
      threshold: budgetAlerts.threshold,
      spent: budgetAlerts.spent,
      deliveryStatus: budgetAlerts.deliveryStatus,
      createdAt: budgetAlerts.createdAt,
      scope: budgets.scope,
      scopeId: budgets.scopeId,
      model: budgets.model,
      period: budgets.period,
      limitUsd: budgets.limitUsd,
    })
    .from(budgetAlerts)
    .innerJoin(budgets, eq(budgets.id, budgetAlerts.budgetId))
    .where(and(eq(budgets.orgId, orgId), sql`${budgetAlerts.createdAt} >= ${since.toISOString()}::timestamptz`))
    .orderBy(sql`${budgetAlerts.createdAt} desc`)
    .limit(limit);
}

/**
 * Recounts one due budget's current counter from the ledger (README "Budgets": "Budgets created while traffic
 * flows"), in one transaction: the budget row is claimed (`skip locked`, so replicas sweeping at once recount each
 * budget once), the counter is locked first and then summed, so a ledger batch settling meanwhile either committed
 * before the sum (counted by it) or waits on the lock and adds its cost after (not in the sum): spent ends as the sum
 * of the scope's rows in the period, with none counted twice. Then the next recount is scheduled: `lateMs` after
 * reconcile_from (when every request in flight at that time has settled), or none. Null when no budget is due.
 */
export async function recountDueBudget(
  db: Executor,
  options: { earlyMs: number; lateMs: number; periodOf: (budget: BudgetRow, timeZone: string) => Date; now?: Date },
): Promise<{ budgetId: string; periodStart: Date; before: string; after: string } | null> {
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    const [due] = await executeRows<{ id: string; time_zone: string }>(
      tx,
      sql`select b.id, o.time_zone from budgets b join organizations o on o.id = b.org_id
        where b.reconcile_from is not null
          and coalesce(b.reconcile_after, b.reconcile_from + ${options.earlyMs} * interval '1 millisecond') <= ${now.toISOString()}::timestamptz
        order by b.reconcile_from limit 1 for update of b skip locked`,
    );
    if (!due) return null;
    const [budget] = await tx.select().from(budgets).where(eq(budgets.id, due.id));
    const start = options.periodOf(budget, due.time_zone);
    await executeRows(tx, sql`insert into budget_counters (budget_id, period_start) values (${budget.id}::uuid, ${start.toISOString()}::timestamptz) on conflict do nothing`);
    const [locked] = await executeRows<{ spent: string }>(
      tx,
      sql`select spent::text as spent from budget_counters where budget_id = ${budget.id}::uuid and period_start = ${start.toISOString()}::timestamptz for update`,
    );
    // A new statement after the lock: its snapshot sees every batch that settled this counter before the lock.
    const [sum] = await executeRows<{ total: string }>(
      tx,
      sql`select coalesce(sum(l.cost_usd), 0)::numeric(24, 12)::text as total from usage_ledger l where l.started_at >= ${start.toISOString()}::timestamptz and ${budgetScope(budget)}`,
    );
    await executeRows(tx, sql`update budget_counters set spent = ${sum.total}::numeric where budget_id = ${budget.id}::uuid and period_start = ${start.toISOString()}::timestamptz`);
    const late = new Date(budget.reconcileFrom!.getTime() + options.lateMs);
    const again = budget.reconcileAfter === null && late > now ? late : null;
    await tx
      .update(budgets)
      .set({ reconcileAfter: again, reconcileFrom: again ? budget.reconcileFrom : null })
      .where(eq(budgets.id, budget.id));
    return { budgetId: budget.id, periodStart: start, before: locked.spent, after: sum.total };
  });
}
