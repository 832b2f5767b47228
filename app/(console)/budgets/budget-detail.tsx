"use client";

import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Badge } from "@/app/_components/badge";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatUsd } from "@/app/_components/format";
import { useTRPC } from "@/app/_trpc/client";

const colors = { accent: "#4f46e5", limit: "#dc2626", grid: "#e5e5e5", axis: "#737373" };
const axisProps = { stroke: colors.axis, fontSize: 11, tickLine: false, axisLine: false } as const;
const deliveryTone = { delivered: "green", failed: "red", pending: "amber", none: "gray" } as const;

/** One budget: its burn-down for the period, the forecast to period end, and the alerts that fired. */
export function BudgetDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  // Live while open: reservations settle and alerts fire within seconds.
  const budget = useQuery({ ...trpc.budgets.get.queryOptions({ id }), refetchInterval: 5000 });
  if (budget.error) return <ErrorBanner error={budget.error} title="Could not load the budget" />;
  if (!budget.data) return <p className="text-sm text-neutral-500">Loading…</p>;
  const data = budget.data;
  // Chart values only (display); every figure in text is the exact decimal.
  const points = data.burn_down.map((point) => ({ day: point.day, spent: Number(point.spent_usd) }));
  const limit = Number(data.limit_usd);
  return (
    <div className="space-y-4" data-testid="budget-detail">
      <dl className="grid grid-cols-4 gap-3 text-sm">
        {[
          ["Limit", formatUsd(data.limit_usd)],
          ["Spent", formatUsd(data.spent_usd)],
          ["Reserved", formatUsd(data.reserved_usd)],
          ["Forecast to period end", data.forecast_usd ? formatUsd(data.forecast_usd) : "—"],
        ].map(([label, value]) => (
          <div key={label} className="rounded-md border border-neutral-200 px-3 py-2">
            <dt className="text-xs text-neutral-500">{label}</dt>
            <dd className="tabular font-medium">{value}</dd>
          </div>
        ))}
      </dl>
      <section aria-label="Burn-down" className="rounded-md border border-neutral-200 px-3 pt-2 pb-1">
        <h3 className="mb-1 text-xs font-semibold text-neutral-600">Cumulative spend this period against the limit</h3>
        {points.length === 0 ? (
          <p className="py-8 text-center text-sm text-neutral-500">No spend in this period yet.</p>
        ) : (
          <div className="h-48">
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -4 }}>
                <CartesianGrid stroke={colors.grid} vertical={false} />
                <XAxis dataKey="day" {...axisProps} />
                <YAxis domain={[0, (max: number) => Math.max(max, limit) * 1.1]} tickFormatter={(value: number) => `$${Number(value.toPrecision(2))}`} width={76} {...axisProps} />
                <Tooltip formatter={(value) => [`$${value}`, "Spent"]} contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: colors.grid }} />
                <ReferenceLine y={limit} stroke={colors.limit} strokeDasharray="4 3" label={{ value: "limit", fontSize: 11, fill: colors.limit, position: "insideTopRight" }} />
                <Line isAnimationActive={false} type="monotone" dataKey="spent" stroke={colors.accent} strokeWidth={2} dot={points.length < 40} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        )}
      </section>
      <section aria-label="Alerts">
        <h3 className="mb-1 text-xs font-semibold text-neutral-600">Alerts this budget fired</h3>
        {data.alerts.length === 0 ? (
          <p className="text-sm text-neutral-500">None yet. Thresholds: {data.alert_thresholds.map((threshold) => `${Math.round(threshold * 100)} %`).join(", ") || "none"}.</p>
        ) : (
          <ul className="divide-y divide-neutral-100 text-sm" data-testid="budget-alerts">
            {data.alerts.map((alert) => (
              <li key={alert.created_at + alert.threshold} className="flex items-center justify-between py-1.5">
                <span>
                  {Math.round(Number(alert.threshold) * 100)} % reached at {formatUsd(alert.spent_usd)} · {new Date(alert.created_at).toLocaleString()}
                </span>
                <Badge tone={deliveryTone[alert.delivery_status as keyof typeof deliveryTone] ?? "gray"}>
                  {alert.delivery_status === "none" ? "no webhook" : `${alert.delivery_status} (${alert.attempts} ${alert.attempts === 1 ? "attempt" : "attempts"})`}
                </Badge>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
