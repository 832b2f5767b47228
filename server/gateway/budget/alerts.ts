import { createHmac } from "node:crypto";
import { sql } from "drizzle-orm";
import { Agent, request } from "undici";
import { executeRows, type Executor } from "@/db/client";
import { describeError, logger } from "@/server/logger";
import { checkOutboundUrl, parseAllowList } from "@/server/security/ssrf";
import { guardedLookup } from "../upstream";

type FiredAlert = {
  id: string;
  budget_id: string;
  org_id: string;
  scope: string;
  scope_id: string | null;
  model: string | null;
  period: string;
  period_start: string;
  threshold: string;
  limit_usd: string;
  spent: string;
  webhook_url: string | null;
  created_at: string;
};

/**
 * Records every threshold a budget's current spend has reached and that has not fired this period. The unique
 * (budget, period, threshold) row makes each alert fire once, whichever replica gets there first.
 */
export async function recordReachedThresholds(db: Executor): Promise<FiredAlert[]> {
  return executeRows<FiredAlert>(
    db,
    sql`with reached as (
        select b.id as budget_id, c.period_start, t.value::numeric as threshold, c.spent, b.webhook_url
        from budgets b
        join budget_counters c on c.budget_id = b.id
        cross join lateral jsonb_array_elements_text(b.alert_thresholds) as t(value)
        where c.spent >= b.limit_usd * t.value::numeric
      ),
      fired as (
        insert into budget_alerts (budget_id, period_start, threshold, spent, delivery_status)
        select budget_id, period_start, threshold, spent, case when webhook_url is null then 'none' else 'pending' end from reached
        on conflict do nothing
        returning id, budget_id, period_start, threshold, spent, created_at
      )
      select f.id, f.budget_id, b.org_id, b.scope, b.scope_id, b.model, b.period, f.period_start::text, f.threshold::text, b.limit_usd::text,
        f.spent::text, b.webhook_url, f.created_at::text
      from fired f join budgets b on b.id = f.budget_id`,
  );
}

/** The JSON a budget webhook receives. */
export function alertPayload(alert: FiredAlert): Record<string, unknown> {
  return {
    type: "budget.threshold_reached",
    alert_id: alert.id,
    budget: { id: alert.budget_id, scope: alert.scope, scope_id: alert.scope_id, model: alert.model, period: alert.period, limit_usd: alert.limit_usd },
    period_start: new Date(alert.period_start).toISOString(),
    threshold: Number(alert.threshold),
    spent_usd: alert.spent,
    fired_at: new Date(alert.created_at).toISOString(),
  };
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`, as Stripe-style receivers verify. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface AlertDelivery {
  /** WEBHOOK_SIGNING_SECRET; unset: deliveries carry no signature header. */
  signingSecret?: string;
  allowPrivateHosts: string;
  /** Waits between attempts (ms); three attempts by default. */
  backoffMs?: number[];
  timeoutMs?: number;
}

export type WebhookAttempt = { at: string; status: number | null; error?: string };

/**
 * POSTs a JSON body to an admin-set webhook URL (checked against the SSRF rules, and again at connect time), signed
 * with `x-modelgate-timestamp` and, with a secret, `x-modelgate-signature`; retried with backoff until a 2xx. Budget
 * alerts and cost-drift alerts (server/cost-import/drift-alerts.ts) share it.
 */
export async function postSignedWebhook(url: string, body: string, options: AlertDelivery & { userAgent: string }): Promise<{ delivered: boolean; attempts: WebhookAttempt[] }> {
  const allow = parseAllowList(options.allowPrivateHosts);
  const attempts: WebhookAttempt[] = [];
  const agent = new Agent({ connect: { lookup: guardedLookup(allow) } });
  let delivered = false;
  try {
    const checked = await checkOutboundUrl(url, allow);
    if (!checked.ok) attempts.push({ at: new Date().toISOString(), status: null, error: `webhook_url ${checked.reason}` });
    const waits = options.backoffMs ?? [0, 1000, 5000];
    for (const wait of checked.ok ? waits : []) {
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const timestamp = String(Math.floor(Date.now() / 1000));
      try {
        const response = await request(url, {
          method: "POST",
          dispatcher: agent,
          headers: {
            "content-type": "application/json",
            "user-agent": options.userAgent,
            "x-modelgate-timestamp": timestamp,
            ...(options.signingSecret ? { "x-modelgate-signature": signWebhook(options.signingSecret, timestamp, body) } : {}),
          },
          body,
          headersTimeout: options.timeoutMs ?? 10_000,
          bodyTimeout: options.timeoutMs ?? 10_000,
        });
        await response.body.dump();
        attempts.push({ at: new Date().toISOString(), status: response.statusCode });
        if (response.statusCode >= 200 && response.statusCode < 300) {
          delivered = true;
          break;
        }
      } catch (error) {
        attempts.push({ at: new Date().toISOString(), status: null, error: describeError(error).error_message.slice(0, 200) });
      }
    }
  } finally {
    void agent.destroy().catch(() => undefined);
  }
  return { delivered, attempts };
}

/** Posts one alert to its webhook, retried with backoff; the log of attempts is stored. */
export async function deliverAlert(db: Executor, alert: FiredAlert, options: AlertDelivery): Promise<void> {
  if (!alert.webhook_url) return;
  const { delivered, attempts } = await postSignedWebhook(alert.webhook_url, JSON.stringify(alertPayload(alert)), { ...options, userAgent: "modelgate-budget-alerts" });
  await executeRows(db, sql`update budget_alerts set delivery_status = ${delivered ? "delivered" : "failed"}, attempts = ${JSON.stringify(attempts)}::jsonb where id = ${alert.id}::uuid`);
  if (!delivered) logger.warn("budget alert webhook not delivered", { alert_id: alert.id, budget_id: alert.budget_id, attempts: attempts.length });
}

/** One pass: record reached thresholds, then deliver their webhooks (in the background of the sweeper's loop). */
export async function processBudgetAlerts(db: Executor, options: AlertDelivery): Promise<number> {
  const fired = await recordReachedThresholds(db);
  for (const alert of fired) {
    logger.info("budget threshold reached", { budget_id: alert.budget_id, threshold: Number(alert.threshold), spent_usd: alert.spent, limit_usd: alert.limit_usd });
  }
  await Promise.all(fired.map((alert) => deliverAlert(db, alert, options).catch((error) => logger.warn("budget alert delivery failed", describeError(error)))));
  return fired.length;
}
