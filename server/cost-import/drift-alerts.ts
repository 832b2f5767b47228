import type { Executor } from "@/db/client";
import { gatewayDailyCosts, insertDriftAlerts, listCostImports, readDriftSettings, recordAlertDelivery, type DriftAlertRow } from "@/db/queries/provider-costs";
import { postSignedWebhook, type AlertDelivery } from "@/server/gateway/budget/alerts";
import { describeError, logger } from "@/server/logger";
import { computeDrift, monthDays } from "./drift";

/** The JSON a cost-drift webhook receives. */
export function driftAlertPayload(alert: DriftAlertRow): Record<string, unknown> {
  return {
    type: "cost.drift_exceeded",
    alert_id: alert.id,
    provider: alert.provider,
    scope: alert.scope,
    period: alert.period,
    gateway_cost_usd: alert.gatewayCostUsd,
    provider_cost_usd: alert.providerCostUsd,
    variance_usd: alert.varianceUsd,
    variance_percent: alert.variancePercent,
    threshold_percent: alert.thresholdPercent,
    fired_at: alert.createdAt.toISOString(),
  };
}

/**
 * After an import: every imported day of the provider, and the month-to-date of each month they fall in, whose drift
 * is above the org's threshold records an alert, once per provider and period (a unique row: concurrent runs record
 * it once). With the org's webhook URL set, each new alert is POSTed with the budget alerts' sender and signature.
 */
export async function recordDriftAlerts(db: Executor, orgId: string, provider: string, importedDays: string[]): Promise<{ alerts: DriftAlertRow[]; webhookUrl: string | null }> {
  if (importedDays.length === 0) return { alerts: [], webhookUrl: null };
  const settings = await readDriftSettings(db, orgId);
  const months = [...new Set(importedDays.map((day) => day.slice(0, 7)))];
  const candidates: Parameters<typeof insertDriftAlerts>[1] = [];
  for (const month of months) {
    const { fromDay, toDay } = monthDays(month);
    const [gateway, imports] = await Promise.all([gatewayDailyCosts(db, orgId, fromDay, toDay), listCostImports(db, orgId, fromDay, toDay)]);
    const drift = computeDrift({ fromDay, toDay, gateway: gateway.filter((row) => row.provider === provider), imports: imports.filter((row) => row.provider === provider), providers: [provider], thresholdPercent: settings.thresholdPercent })[0];
    const base = { orgId, provider, thresholdPercent: settings.thresholdPercent, deliveryStatus: settings.webhookUrl ? "pending" : "none" };
    for (const day of drift.days) {
      if (!importedDays.includes(day.day) || !day.exceedsThreshold) continue;
      candidates.push({ ...base, scope: "day", period: day.day, gatewayCostUsd: day.gatewayCostUsd, providerCostUsd: day.providerCostUsd!, varianceUsd: day.varianceUsd!, variancePercent: day.variancePercent });
    }
    if (drift.month.exceedsThreshold) {
      candidates.push({ ...base, scope: "month", period: month, gatewayCostUsd: drift.month.gatewayCostUsd, providerCostUsd: drift.month.providerCostUsd!, varianceUsd: drift.month.varianceUsd!, variancePercent: drift.month.variancePercent });
    }
  }
  const alerts = await insertDriftAlerts(db, candidates);
  for (const alert of alerts) logger.warn("provider cost drift above threshold", { provider, scope: alert.scope, period: alert.period, variance_usd: alert.varianceUsd, variance_percent: alert.variancePercent });
  return { alerts, webhookUrl: settings.webhookUrl };
}

export async function deliverDriftAlerts(db: Executor, alerts: DriftAlertRow[], webhookUrl: string | null, options: AlertDelivery): Promise<void> {
  if (!webhookUrl) return;
  await Promise.all(
    alerts.map(async (alert) => {
      try {
        const { delivered, attempts } = await postSignedWebhook(webhookUrl, JSON.stringify(driftAlertPayload(alert)), { ...options, userAgent: "modelgate-cost-alerts" });
        await recordAlertDelivery(db, alert.id, delivered, attempts);
        if (!delivered) logger.warn("cost drift webhook not delivered", { alert_id: alert.id, attempts: attempts.length });
      } catch (error) {
        logger.warn("cost drift webhook delivery failed", describeError(error));
      }
    }),
  );
}
