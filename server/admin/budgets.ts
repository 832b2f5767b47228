import { z } from "zod";
import type { Database, Executor } from "@/db/client";
import { notifyConfigChanged } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { dailySpend, deleteBudgetRow, findBudget, insertBudget, listBudgetAlerts, listBudgetRows, listRecentBudgetAlerts, readCounters, seedCounter, updateBudgetRow, type BudgetRow } from "@/db/queries/budgets";
import { findModelByName } from "@/db/queries/models";
import { findOrganization } from "@/db/queries/organizations";
import { findTeam } from "@/db/queries/teams";
import { findKey } from "@/db/queries/virtual-keys";
import { env } from "@/server/env";
import { periodEnd, periodStart } from "@/server/gateway/budget/periods";
import { decimalToPicos, picosToDecimal } from "@/server/gateway/pricing";
import { checkOutboundUrl, parseAllowList } from "@/server/security/ssrf";
import { can } from "./permissions";
import { failure, isUniqueViolation, ok, type Actor, type ServiceResult } from "./service-result";

const scopes = ["org", "key", "team", "user", "model"] as const;
const periods = ["daily", "weekly", "monthly", "lifetime"] as const;
/** USD as a decimal string: at most 12 places, above zero, below a trillion. */
const usd = z
  .string()
  .trim()
  .regex(/^\d{1,12}(\.\d{1,12})?$/, "a decimal amount in USD, e.g. \"10.00\"")
  .refine((value) => Number(value) > 0, "must be above zero");
const thresholds = z.array(z.number().gt(0).lte(1)).max(10);

export const createBudgetInputSchema = z
  .object({
    scope: z.enum(scopes),
    /** The key id, team id, end user (the request's `user`) or model name; absent for the org. */
    scope_id: z.string().trim().min(1).max(256).nullish(),
    /** Narrows the budget to one model (e.g. a team's spend on one model). */
    model: z.string().trim().min(1).max(256).nullish(),
    period: z.enum(periods),
    limit_usd: usd,
    alert_thresholds: thresholds.optional(),
    webhook_url: z.url().max(2048).nullish(),
  })
  .superRefine((input, context) => {
    if (input.scope === "org" && input.scope_id) context.addIssue({ code: "custom", path: ["scope_id"], message: "an org budget has no scope_id" });
    if (input.scope !== "org" && !input.scope_id) context.addIssue({ code: "custom", path: ["scope_id"], message: `a ${input.scope} budget names its ${input.scope} in scope_id` });
    if (input.scope === "model" && input.model) context.addIssue({ code: "custom", path: ["model"], message: "a model budget names its model in scope_id" });
  });
export type CreateBudgetInput = z.infer<typeof createBudgetInputSchema>;
export const updateBudgetInputSchema = z.object({ limit_usd: usd.optional(), alert_thresholds: thresholds.optional(), webhook_url: z.url().max(2048).nullish() });
export type UpdateBudgetInput = z.infer<typeof updateBudgetInputSchema>;

const cannotRead = failure({ code: "forbidden", message: "Your role cannot view budgets." });
const cannotWrite = failure({ code: "forbidden", message: "Your role cannot manage budgets." });
const noBudget = failure({ code: "not_found", message: "No such budget." });
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A budget with its current period's totals: what the console and GET /api/admin/budgets show. */
export interface BudgetView {
  id: string;
  scope: BudgetRow["scope"];
  scope_id: string | null;
  model: string | null;
  period: BudgetRow["period"];
  limit_usd: string;
  spent_usd: string;
  reserved_usd: string;
  remaining_usd: string;
  period_start: string;
  period_end: string | null;
  alert_thresholds: number[];
  webhook_url: string | null;
  created_at: string;
}

/** Exact decimal subtraction (12 places), floored at zero. */
export function remainingUsd(limit: string, spent: string, reserved: string): string {
  const left = decimalToPicos(limit) - decimalToPicos(spent) - decimalToPicos(reserved);
  return picosToDecimal(left > 0n ? left : 0n);
}

function toView(row: BudgetRow, counter: { spent: string; reserved: string } | undefined, start: Date, timeZone: string): BudgetView {
  const spent = counter?.spent ?? "0.000000000000";
  const reserved = counter?.reserved ?? "0.000000000000";
  return {
    id: row.id,
    scope: row.scope,
    scope_id: row.scopeId,
    model: row.model,
    period: row.period,
    limit_usd: row.limitUsd,
    spent_usd: spent,
    reserved_usd: reserved,
    remaining_usd: remainingUsd(row.limitUsd, spent, reserved),
    period_start: start.toISOString(),
    period_end: periodEnd(row.period, start, timeZone)?.toISOString() ?? null,
    alert_thresholds: row.alertThresholds,
    webhook_url: row.webhookUrl,
    created_at: row.createdAt.toISOString(),
  };
}

async function checkSubject(db: Database, actor: Actor, input: CreateBudgetInput): Promise<ServiceResult<void>> {
  const { scope, scope_id: scopeId } = input;
  if (input.model && !(await findModelByName(db, actor.orgId, input.model))) return failure({ code: "invalid", message: "model names no model of the organization.", field: "model" });
  if (!scopeId || scope === "user" || scope === "org") return ok(undefined);
  const isKnown =
    scope === "model"
      ? Boolean(await findModelByName(db, actor.orgId, scopeId))
      : uuidPattern.test(scopeId) && Boolean(scope === "key" ? await findKey(db, actor.orgId, scopeId) : await findTeam(db, actor.orgId, scopeId));
  return isKnown ? ok(undefined) : failure({ code: "invalid", message: `scope_id names no ${scope} of the organization.`, field: "scope_id" });
}

async function checkWebhook(url: string | null | undefined): Promise<ServiceResult<string | null>> {
  if (!url) return ok(null);
  const check = await checkOutboundUrl(url, parseAllowList(env().GATEWAY_ALLOW_PRIVATE_HOSTS));
  return check.ok ? ok(url) : failure({ code: "invalid", message: `webhook_url ${check.reason}`, field: "webhook_url" });
}

/** The org's time zone: budget periods are its calendar days, weeks and months. */
async function orgTimeZone(db: Executor, orgId: string): Promise<string> {
  return (await findOrganization(db, orgId))?.timeZone ?? "UTC";
}

async function views(db: Database, rows: BudgetRow[]): Promise<BudgetView[]> {
  if (rows.length === 0) return [];
  const now = new Date();
  const timeZone = await orgTimeZone(db, rows[0].orgId);
  const starts = rows.map((row) => ({ budgetId: row.id, periodStart: periodStart(row.period, now, timeZone) }));
  const counters = await readCounters(db, starts);
  return rows.map((row, index) => toView(row, counters.get(row.id), starts[index].periodStart, timeZone));
}

export async function listBudgets(db: Database, actor: Actor, filter: { scope?: BudgetRow["scope"]; scope_id?: string } = {}): Promise<ServiceResult<BudgetView[]>> {
  if (!can(actor.role, "budgets:read")) return cannotRead;
  const rows = (await listBudgetRows(db, actor.orgId)).filter((row) => (!filter.scope || row.scope === filter.scope) && (!filter.scope_id || row.scopeId === filter.scope_id));
  return ok(await views(db, rows));
}

export interface BudgetDetail extends BudgetView {
  alerts: { threshold: string; spent_usd: string; delivery_status: string; attempts: number; created_at: string }[];
  /** Cumulative spend at the end of each UTC day of the period so far (lifetime: the last 30 days). */
  burn_down: { day: string; spent_usd: string }[];
  /** Spend at the period's end if it continues at the period's average daily rate so far (null for lifetime). */
  forecast_usd: string | null;
}

const DAY_MS = 86_400_000;

export async function getBudget(db: Database, actor: Actor, id: string): Promise<ServiceResult<BudgetDetail>> {
  if (!can(actor.role, "budgets:read")) return cannotRead;
  const row = uuidPattern.test(id) ? await findBudget(db, actor.orgId, id) : undefined;
  if (!row) return noBudget;
  const [view] = await views(db, [row]);
  const alerts = (await listBudgetAlerts(db, row.id)).map((alert) => ({
    threshold: alert.threshold,
    spent_usd: alert.spent,
    delivery_status: alert.deliveryStatus,
    attempts: alert.attempts.length,
    created_at: alert.createdAt.toISOString(),
  }));
  const start = new Date(view.period_start);
  const now = Date.now();
  const from = row.period === "lifetime" ? new Date(now - 30 * DAY_MS) : start;
  const days = await dailySpend(db, row, from);
  let running = row.period === "lifetime" ? decimalToPicos(view.spent_usd) - days.reduce((sum, day) => sum + decimalToPicos(day.cost), 0n) : 0n;
  const burnDown = days.map((day) => {
    running += decimalToPicos(day.cost);
    return { day: day.day, spent_usd: picosToDecimal(running) };
  });
  let forecast: string | null = null;
  if (view.period_end) {
    const elapsed = Math.max(now - start.getTime(), 60_000);
    const total = new Date(view.period_end).getTime() - start.getTime();
    // Integer arithmetic on picodollars: spent × total / elapsed.
    forecast = picosToDecimal((decimalToPicos(view.spent_usd) * BigInt(total)) / BigInt(elapsed));
  }
  return ok({ ...view, alerts, burn_down: burnDown, forecast_usd: forecast });
}

/** Days of fired alerts the console shows as notifications. */
export const RECENT_ALERT_DAYS = 7;

export interface RecentBudgetAlert {
  id: string;
  budget_id: string;
  scope: BudgetRow["scope"];
  scope_id: string | null;
  model: string | null;
  period: BudgetRow["period"];
  limit_usd: string;
  threshold: string;
  spent_usd: string;
  delivery_status: string;
  created_at: string;
}

/** Alerts fired in the last RECENT_ALERT_DAYS days, newest first: the console's budget notifications. */
export async function recentBudgetAlerts(db: Database, actor: Actor): Promise<ServiceResult<RecentBudgetAlert[]>> {
  if (!can(actor.role, "budgets:read")) return cannotRead;
  const rows = await listRecentBudgetAlerts(db, actor.orgId, new Date(Date.now() - RECENT_ALERT_DAYS * DAY_MS));
  return ok(
    rows.map((row) => ({
      id: row.id,
      budget_id: row.budgetId,
      scope: row.scope,
      scope_id: row.scopeId,
      model: row.model,
      period: row.period,
      limit_usd: row.limitUsd,
      threshold: row.threshold,
      spent_usd: row.spent,
      delivery_status: row.deliveryStatus,
      created_at: row.createdAt.toISOString(),
    })),
  );
}

export async function createBudget(db: Database, actor: Actor, input: CreateBudgetInput): Promise<ServiceResult<BudgetView>> {
  if (!can(actor.role, "budgets:write")) return cannotWrite;
  const subject = await checkSubject(db, actor, input);
  if (!subject.ok) return subject;
  const webhook = await checkWebhook(input.webhook_url);
  if (!webhook.ok) return webhook;
  try {
    const row = await db.transaction(async (tx) => {
      const inserted = await insertBudget(tx, {
        orgId: actor.orgId,
        scope: input.scope,
        scopeId: input.scope === "org" ? null : input.scope_id!,
        model: input.model ?? null,
        period: input.period,
        limitUsd: input.limit_usd,
        alertThresholds: input.alert_thresholds ?? [0.5, 0.8, 1],
        webhookUrl: webhook.value,
        // Replicas serve uncharged until their snapshots have the budget: the sweeper recounts it from the ledger.
        reconcileFrom: new Date(),
      });
      // The current period starts at what the ledger already holds for the scope.
      await seedCounter(tx, inserted, periodStart(inserted.period, new Date(), await orgTimeZone(tx, actor.orgId)));
      await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "budget.create", targetType: "budget", targetId: inserted.id, after: inserted });
      await notifyConfigChanged(tx, "budgets");
      return inserted;
    });
    const [view] = await views(db, [row]);
    return ok(view);
  } catch (error) {
    if (isUniqueViolation(error)) return failure({ code: "conflict", message: "That scope already has a budget for this period (and model).", field: "scope_id" });
    throw error;
  }
}

export async function updateBudget(db: Database, actor: Actor, id: string, input: UpdateBudgetInput): Promise<ServiceResult<BudgetView>> {
  if (!can(actor.role, "budgets:write")) return cannotWrite;
  const existing = uuidPattern.test(id) ? await findBudget(db, actor.orgId, id) : undefined;
  if (!existing) return noBudget;
  const webhook = input.webhook_url !== undefined ? await checkWebhook(input.webhook_url) : ok(existing.webhookUrl);
  if (!webhook.ok) return webhook;
  const patch = {
    ...(input.limit_usd !== undefined ? { limitUsd: input.limit_usd } : {}),
    ...(input.alert_thresholds !== undefined ? { alertThresholds: input.alert_thresholds } : {}),
    ...(input.webhook_url !== undefined ? { webhookUrl: webhook.value } : {}),
  };
  const row = await db.transaction(async (tx) => {
    const updated = (await updateBudgetRow(tx, actor.orgId, id, patch))!;
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "budget.update", targetType: "budget", targetId: id, before: existing, after: updated });
    await notifyConfigChanged(tx, "budgets");
    return updated;
  });
  const [view] = await views(db, [row]);
  return ok(view);
}

export async function deleteBudget(db: Database, actor: Actor, id: string): Promise<ServiceResult<{ id: string }>> {
  if (!can(actor.role, "budgets:write")) return cannotWrite;
  const existing = uuidPattern.test(id) ? await findBudget(db, actor.orgId, id) : undefined;
  if (!existing) return noBudget;
  await db.transaction(async (tx) => {
    await deleteBudgetRow(tx, actor.orgId, id);
    await writeAudit(tx, { orgId: actor.orgId, actor: actor.id, action: "budget.delete", targetType: "budget", targetId: id, before: existing });
    await notifyConfigChanged(tx, "budgets");
  });
  return ok({ id });
}
