"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface SeriesPoint {
  bucket: string;
  variant: string;
  requests: number;
  errorRate: number | null;
  costPerRequestUsd: string | null;
  thumbsUpRate: number | null;
}

const colors = ["#4f46e5", "#d97706", "#059669", "#db2777", "#0891b2", "#65a30d", "#7c3aed", "#dc2626", "#475569", "#ca8a04"];
type Metric = { key: "requests" | "costPerRequestUsd" | "errorRate" | "thumbsUpRate"; title: string; format: (value: number) => string };
const metrics: Metric[] = [
  { key: "requests", title: "Requests", format: (value) => String(value) },
  { key: "costPerRequestUsd", title: "Cost per request (USD)", format: (value) => `$${Number(value.toPrecision(3))}` },
  { key: "errorRate", title: "Error rate", format: (value) => `${(value * 100).toFixed(1)} %` },
  { key: "thumbsUpRate", title: "Satisfaction (thumbs-up rate)", format: (value) => `${Math.round(value * 100)} %` },
];

/** One small line chart per metric, a line per variant, over hours or days (values drawn as floats; tables show exact decimals). */
export function ExperimentCharts({ series, variants, bucket }: { series: SeriesPoint[]; variants: string[]; bucket: "hour" | "day" }) {
  const buckets = [...new Set(series.map((point) => point.bucket))].sort();
  const label = (bucket_: string) => (bucket === "hour" ? bucket_.slice(5, 13).replace("T", " ") + "h" : bucket_.slice(0, 10));
  return (
    <div className="grid grid-cols-2 gap-3" data-testid="experiment-charts">
      {metrics.map((metric) => {
        const data = buckets.map((at) => {
          const row: Record<string, string | number | null> = { at: label(at) };
          for (const variant of variants) {
            const point = series.find((entry) => entry.bucket === at && entry.variant === variant);
            const value = point?.[metric.key];
            row[variant] = value === null || value === undefined ? null : Number(value);
          }
          return row;
        });
        return (
          <section key={metric.key} className="rounded-lg border border-neutral-200 bg-white px-3 pt-2 pb-1" aria-label={metric.title}>
            <h3 className="mb-1 text-xs font-semibold text-neutral-600">
              {metric.title} per {bucket}
            </h3>
            <div className="h-44">
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                  <CartesianGrid stroke="#e5e5e5" vertical={false} />
                  <XAxis dataKey="at" stroke="#737373" fontSize={10} tickLine={false} axisLine={false} />
                  <YAxis stroke="#737373" fontSize={10} tickLine={false} axisLine={false} width={56} tickFormatter={metric.format} domain={metric.key === "errorRate" || metric.key === "thumbsUpRate" ? [0, 1] : [0, "auto"]} />
                  <Tooltip formatter={(value) => (typeof value === "number" ? metric.format(value) : "—")} contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: "#e5e5e5" }} />
                  <Legend wrapperStyle={{ fontSize: 11 }} />
                  {variants.map((variant, index) => (
                    <Line key={variant} type="monotone" dataKey={variant} stroke={colors[index % colors.length]} dot={data.length < 3} connectNulls isAnimationActive={false} />
                  ))}
                </LineChart>
              </ResponsiveContainer>
            </div>
          </section>
        );
      })}
    </div>
  );
}
