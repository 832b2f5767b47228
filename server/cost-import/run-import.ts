import type { Database } from "@/db/client";
import { writeAudit } from "@/db/queries/audit";
import { finishCostImport, releaseCostClaim, upsertCostDays, type CostSourceRow, type CostSourceView, type DriftAlertRow } from "@/db/queries/provider-costs";
import { decryptSecret } from "@/server/crypto/secret-box";
import type { AlertDelivery } from "@/server/gateway/budget/alerts";
import { picosToDecimal } from "@/server/gateway/pricing";
import { describeError, logger } from "@/server/logger";
import { costImportProviders, costReportFormats, type CostImportProvider } from "@/server/providers/cost-reports";
import { deliverDriftAlerts, recordDriftAlerts } from "./drift-alerts";
import { fetchCostDays, type FetchOptions } from "./fetch-costs";

export interface ImportOptions extends FetchOptions {
  encryptionKey: Buffer;
  delivery: AlertDelivery;
  now?: Date;
  /** Waits for webhook deliveries (tests); otherwise they finish in the background. */
  awaitDeliveries?: boolean;
}

export interface ImportOutcome {
  provider: string;
  status: "ok" | "failed";
  error: string | null;
  /** The UTC days asked for, [fromDay, toDay). */
  fromDay: string;
  toDay: string;
  days: { day: string; amountUsd: string; lineItems: number }[];
  pages: number;
  alerts: DriftAlertRow[];
  source: CostSourceView | undefined;
}

/** Imports run again at 06:00 UTC the next day (providers finish a day's figures a few hours after it ends); a failure retries in an hour. */
export const IMPORT_HOUR_UTC = 6;
export const RETRY_AFTER_FAILURE_MS = 3_600_000;

export function nextDailyRun(now: Date): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), IMPORT_HOUR_UTC);
  return new Date(today > now.getTime() ? today : today + 86_400_000);
}

/** The last `lookbackDays` complete UTC days: [today − n, today). */
export function importRange(now: Date, lookbackDays: number): { from: Date; to: Date } {
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  return { from: new Date(to.getTime() - lookbackDays * 86_400_000), to };
}

/**
 * One import of a claimed source: reads the provider's days, then in one transaction replaces each day's figure,
 * records the outcome (releasing the claim) and, for "Import now", the audit row. Drift alerts are recorded after.
 */
export async function runCostImport(db: Database, source: CostSourceRow, claimant: string, options: ImportOptions, audit?: { actorId: string }): Promise<ImportOutcome> {
  const now = options.now ?? new Date();
  const range = importRange(now, source.lookbackDays);
  const provider = source.provider as CostImportProvider;
  const fromDay = range.from.toISOString().slice(0, 10);
  const toDay = range.to.toISOString().slice(0, 10);
  const fetched = costImportProviders.includes(provider)
    ? await fetchCostDays({ provider, baseUrl: source.baseUrl, adminKey: decryptSecret(source.credentialCiphertext, options.encryptionKey) }, range, options)
    : { ok: false as const, error: `No cost API is known for ${source.provider}.` };
  // Only days inside the range asked for are kept (a provider answering more is not trusted beyond it).
  const days = fetched.ok ? fetched.days.filter((day) => day.day >= fromDay && day.day < toDay).map((day) => ({ day: day.day, amountUsd: picosToDecimal(day.picos), lineItems: day.lineItems })) : [];
  const status = fetched.ok ? "ok" : "failed";
  const error = fetched.ok ? null : fetched.error;
  const write = db.transaction(async (tx) => {
    await upsertCostDays(tx, { orgId: source.orgId, provider: source.provider, source: costReportFormats[provider]?.source ?? "unknown", days });
    const finished = await finishCostImport(tx, source.id, claimant, { status, error, days: days.length, nextImportAt: fetched.ok ? nextDailyRun(now) : new Date(now.getTime() + RETRY_AFTER_FAILURE_MS) });
    if (audit) {
      await writeAudit(tx, { orgId: source.orgId, actor: audit.actorId, action: "provider_cost.import", targetType: "provider_cost_source", targetId: source.id, after: { provider: source.provider, status, error, fromDay, toDay, days } });
    }
    return finished;
  });
  // A failed write gives the claim back, so the next run (or Import now) need not wait for it to expire.
  const saved = await write.catch(async (error: unknown) => {
    await releaseCostClaim(db, source.id, claimant).catch(() => undefined);
    throw error;
  });
  if (!fetched.ok) logger.warn("provider cost import failed", { provider: source.provider, error });
  let alerts: DriftAlertRow[] = [];
  if (fetched.ok) {
    try {
      const recorded = await recordDriftAlerts(db, source.orgId, source.provider, days.map((day) => day.day));
      alerts = recorded.alerts;
      const delivering = deliverDriftAlerts(db, recorded.alerts, recorded.webhookUrl, options.delivery);
      if (options.awaitDeliveries) await delivering;
      else void delivering;
    } catch (alertError) {
      logger.warn("recording cost drift alerts failed", describeError(alertError));
    }
  }
  return { provider: source.provider, status, error, fromDay, toDay, days, pages: fetched.ok ? fetched.pages : 0, alerts, source: saved };
}
