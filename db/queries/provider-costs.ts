import { and, asc, desc, eq, gte, lt, sql } from "drizzle-orm";
import { executeRows, type Executor } from "../client";
import { costDriftAlerts, costDriftSettings, providerCostImports, providerCostSources } from "../schema";

/**
 * Providers' own cost figures (README "Provider cost import"): the admin-API sources, the imported days, the org's
 * drift settings and the alerts fired. Days are UTC calendar days, as the providers bucket them.
 */
export type CostSourceRow = typeof providerCostSources.$inferSelect;
export type CostImportRow = typeof providerCostImports.$inferSelect;
export type DriftAlertRow = typeof costDriftAlerts.$inferSelect;

/** Columns safe to show anywhere (never the ciphertext, nor the claim). */
export const publicCostSourceColumns = {
  id: providerCostSources.id,
  provider: providerCostSources.provider,
  baseUrl: providerCostSources.baseUrl,
  credentialLast4: providerCostSources.credentialLast4,
  enabled: providerCostSources.enabled,
  lookbackDays: providerCostSources.lookbackDays,
  nextImportAt: providerCostSources.nextImportAt,
  lastImportAt: providerCostSources.lastImportAt,
  lastStatus: providerCostSources.lastStatus,
  lastError: providerCostSources.lastError,
  lastDays: providerCostSources.lastDays,
  updatedAt: providerCostSources.updatedAt,
};
export type CostSourceView = { [K in keyof typeof publicCostSourceColumns]: CostSourceRow[K] };

export async function listCostSources(db: Executor, orgId: string): Promise<CostSourceView[]> {
  return db.select(publicCostSourceColumns).from(providerCostSources).where(eq(providerCostSources.orgId, orgId)).orderBy(asc(providerCostSources.provider));
}

export async function findCostSource(db: Executor, orgId: string, provider: string): Promise<CostSourceRow | undefined> {
  const [row] = await db.select().from(providerCostSources).where(and(eq(providerCostSources.orgId, orgId), eq(providerCostSources.provider, provider)));
  return row;
}

export async function upsertCostSource(
  tx: Executor,
  values: { orgId: string; provider: string; baseUrl: string; credentialCiphertext: string; credentialLast4: string; enabled: boolean; lookbackDays: number },
): Promise<CostSourceView> {
  const [row] = await tx
    .insert(providerCostSources)
    .values(values)
    .onConflictDoUpdate({
      target: [providerCostSources.orgId, providerCostSources.provider],
      set: { baseUrl: values.baseUrl, credentialCiphertext: values.credentialCiphertext, credentialLast4: values.credentialLast4, enabled: values.enabled, lookbackDays: values.lookbackDays, nextImportAt: sql`now()`, updatedAt: sql`now()` },
    })
    .returning(publicCostSourceColumns);
  return row;
}

/**
 * Claims one source for an import with a conditional update: a due, enabled source no one holds (or whose claim
 * expired), or the named one when `provider` is given ("Import now", due or not). Replicas racing for the same row:
 * one update wins, the others find it claimed (skip locked) and get nothing.
 */
export async function claimCostSource(db: Executor, options: { claimant: string; ttlMs: number; orgId?: string; provider?: string; now?: Date }): Promise<CostSourceRow | undefined> {
  const now = (options.now ?? new Date()).toISOString();
  const named = options.orgId && options.provider ? sql`org_id = ${options.orgId}::uuid and provider = ${options.provider}` : sql`enabled and next_import_at <= ${now}::timestamptz`;
  const rows = await executeRows<{ id: string }>(
    db,
    sql`update provider_cost_sources set claimed_until = ${now}::timestamptz + ${`${options.ttlMs} milliseconds`}::interval, claimed_by = ${options.claimant}
        where id = (select id from provider_cost_sources where ${named} and (claimed_until is null or claimed_until < ${now}::timestamptz)
                    order by next_import_at limit 1 for update skip locked)
        returning id`,
  );
  if (rows.length === 0) return undefined;
  const [row] = await db.select().from(providerCostSources).where(eq(providerCostSources.id, rows[0].id));
  return row;
}

/** Records a run's outcome and releases the claim (only the claimant's). */
export async function finishCostImport(tx: Executor, id: string, claimant: string, outcome: { status: "ok" | "failed"; error: string | null; days: number; nextImportAt: Date }): Promise<CostSourceView | undefined> {
  const [row] = await tx
    .update(providerCostSources)
    .set({ lastStatus: outcome.status, lastError: outcome.error, lastDays: outcome.days, lastImportAt: sql`now()`, nextImportAt: outcome.nextImportAt, claimedUntil: null, claimedBy: null })
    .where(and(eq(providerCostSources.id, id), eq(providerCostSources.claimedBy, claimant)))
    .returning(publicCostSourceColumns);
  return row;
}

/** Gives a claim back without recording a run (the run's own write failed). */
export async function releaseCostClaim(db: Executor, id: string, claimant: string): Promise<void> {
  await db.update(providerCostSources).set({ claimedUntil: null, claimedBy: null }).where(and(eq(providerCostSources.id, id), eq(providerCostSources.claimedBy, claimant)));
}

/** One row per org, provider and day: a re-import replaces the day's figure (never adds to it). */
export async function upsertCostDays(tx: Executor, values: { orgId: string; provider: string; source: string; days: { day: string; amountUsd: string; lineItems: number }[] }): Promise<number> {
  if (values.days.length === 0) return 0;
  const rows = await tx
    .insert(providerCostImports)
    .values(values.days.map((day) => ({ orgId: values.orgId, provider: values.provider, source: values.source, day: day.day, amountUsd: day.amountUsd, lineItems: day.lineItems, currency: "USD" })))
    .onConflictDoUpdate({
      target: [providerCostImports.orgId, providerCostImports.provider, providerCostImports.day],
      set: { amountUsd: sql`excluded.amount_usd`, lineItems: sql`excluded.line_items`, source: sql`excluded.source`, currency: sql`excluded.currency`, importedAt: sql`now()` },
    })
    .returning({ id: providerCostImports.id });
  return rows.length;
}

/** Imported days in [fromDay, toDay). */
export async function listCostImports(db: Executor, orgId: string, fromDay: string, toDay: string): Promise<CostImportRow[]> {
  return db
    .select()
    .from(providerCostImports)
    .where(and(eq(providerCostImports.orgId, orgId), gte(providerCostImports.day, fromDay), lt(providerCostImports.day, toDay)))
    .orderBy(asc(providerCostImports.provider), asc(providerCostImports.day));
}

/**
 * The gateway's own cost per provider and UTC day in [fromDay, toDay): the hourly rollups the reports read (every
 * ledger row, in its UTC hour; a UTC day is whole hours), summed exactly by PostgreSQL.
 */
export async function gatewayDailyCosts(db: Executor, orgId: string, fromDay: string, toDay: string): Promise<{ provider: string; day: string; costUsd: string }[]> {
  return executeRows(
    db,
    sql`select provider, to_char((hour at time zone 'UTC')::date, 'YYYY-MM-DD') as day, sum(cost_usd)::text as "costUsd"
        from usage_rollups_hourly
        where org_id = ${orgId}::uuid and provider is not null and hour >= ${`${fromDay}T00:00:00Z`}::timestamptz and hour < ${`${toDay}T00:00:00Z`}::timestamptz
        group by 1, 2 order by 1, 2`,
  );
}

export interface DriftSettings {
  thresholdPercent: string;
  webhookUrl: string | null;
}

export async function readDriftSettings(db: Executor, orgId: string): Promise<DriftSettings> {
  const [row] = await db.select({ thresholdPercent: costDriftSettings.thresholdPercent, webhookUrl: costDriftSettings.webhookUrl }).from(costDriftSettings).where(eq(costDriftSettings.orgId, orgId));
  return row ?? { thresholdPercent: "5.00", webhookUrl: null };
}

export async function upsertDriftSettings(tx: Executor, orgId: string, settings: DriftSettings): Promise<DriftSettings> {
  const [row] = await tx
    .insert(costDriftSettings)
    .values({ orgId, ...settings })
    .onConflictDoUpdate({ target: costDriftSettings.orgId, set: { thresholdPercent: settings.thresholdPercent, webhookUrl: settings.webhookUrl, updatedAt: sql`now()` } })
    .returning({ thresholdPercent: costDriftSettings.thresholdPercent, webhookUrl: costDriftSettings.webhookUrl });
  return row;
}

/** Records each alert once per org, provider, scope and period (whichever run gets there first); returns the new ones. */
export async function insertDriftAlerts(db: Executor, alerts: (typeof costDriftAlerts.$inferInsert)[]): Promise<DriftAlertRow[]> {
  if (alerts.length === 0) return [];
  return db.insert(costDriftAlerts).values(alerts).onConflictDoNothing().returning();
}

export async function recordAlertDelivery(db: Executor, id: string, delivered: boolean, attempts: unknown[]): Promise<void> {
  await db.update(costDriftAlerts).set({ deliveryStatus: delivered ? "delivered" : "failed", attempts }).where(eq(costDriftAlerts.id, id));
}

export async function listDriftAlerts(db: Executor, orgId: string, since: Date): Promise<DriftAlertRow[]> {
  return db.select().from(costDriftAlerts).where(and(eq(costDriftAlerts.orgId, orgId), gte(costDriftAlerts.createdAt, since))).orderBy(desc(costDriftAlerts.createdAt)).limit(100);
}
