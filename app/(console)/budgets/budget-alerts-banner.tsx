"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatRelative, formatUsd } from "@/app/_components/format";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";

const scopeWords: Record<string, string> = { org: "The organization's", team: "A team's", key: "A key's", user: "An end user's", model: "A model's" };
const deliveryWords: Record<string, string> = { delivered: "webhook delivered", failed: "webhook failed", pending: "webhook pending", none: "no webhook" };

/** Budget alerts fired in the last 7 days (the console's notifications), for roles that read budgets. */
export function BudgetAlertsBanner() {
  const trpc = useTRPC();
  const permissions = usePermissions();
  const canRead = permissions.can("budgets:read");
  const alerts = useQuery(trpc.budgets.recentAlerts.queryOptions(undefined, { enabled: canRead, refetchInterval: 30_000 }));
  if (!canRead || !alerts.data || alerts.data.length === 0) return null;
  return (
    <section role="status" aria-label="Budget alerts" className="mb-6 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="budget-alerts-banner">
      <p className="font-semibold">Budget alerts in the last 7 days</p>
      <ul className="mt-1 space-y-0.5">
        {alerts.data.slice(0, 5).map((alert) => (
          <li key={alert.id} data-testid="budget-alert-notice">
            {scopeWords[alert.scope] ?? "A"} {alert.period} budget{alert.model ? ` (${alert.model})` : ""} reached {Math.round(Number(alert.threshold) * 100)} %: {formatUsd(alert.spent_usd)} of{" "}
            {formatUsd(alert.limit_usd)} · {formatRelative(alert.created_at)} · {deliveryWords[alert.delivery_status] ?? alert.delivery_status}
          </li>
        ))}
      </ul>
      {alerts.data.length > 5 ? <p className="mt-1 text-xs">and {alerts.data.length - 5} more.</p> : null}
      <Link href="/budgets" className="mt-1 inline-block text-xs font-medium text-amber-900 underline">
        Open Budgets
      </Link>
    </section>
  );
}
