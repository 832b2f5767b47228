"use client";

import type { ReactNode } from "react";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatCompact, formatInteger, formatMs, formatUsd } from "@/app/_components/format";
import type { ChartPoint } from "./fill-series";

const colors = { accent: "#4f46e5", error: "#dc2626", output: "#0d9488", p95: "#d97706", ttft: "#0891b2", grid: "#e5e5e5", axis: "#737373" };
const axisProps = { stroke: colors.axis, fontSize: 11, tickLine: false, axisLine: false } as const;

function timeFormatter(bucket: "minute" | "hour" | "day") {
  const format = new Intl.DateTimeFormat("en-US", bucket === "day" ? { month: "short", day: "numeric" } : { hour: "2-digit", minute: "2-digit", hour12: false });
  const full = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false });
  return { tick: (time: number | string) => format.format(Number(time)), label: (time: ReactNode) => (typeof time === "number" ? full.format(time) : time) };
}

/** Axis ticks only (floats are fine here): "$0.000008", "$1.2e-7", "$12". */
function formatCostTick(value: number): string {
  if (value === 0) return "$0";
  if (value < 0.000001) return `$${value.toExponential(1)}`;
  return `$${Number(value.toPrecision(2))}`;
}

function ChartCard({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <section className="rounded-lg border border-neutral-200 bg-white px-4 pt-3 pb-2 shadow-xs" data-testid={testId} aria-label={title}>
      <h2 className="mb-2 text-xs font-semibold text-neutral-600">{title}</h2>
      <div className="h-52">
        <ResponsiveContainer width="100%" height="100%">
          {children as React.ReactElement}
        </ResponsiveContainer>
      </div>
    </section>
  );
}

export function OverviewCharts({ points, bucket }: { points: ChartPoint[]; bucket: "minute" | "hour" | "day" }) {
  const time = timeFormatter(bucket);
  const xAxis = <XAxis dataKey="time" tickFormatter={time.tick} minTickGap={32} {...axisProps} />;
  const grid = <CartesianGrid stroke={colors.grid} vertical={false} />;
  const tooltip = (formatter: (value: number, item: ChartPoint) => string) => (
    <Tooltip
      labelFormatter={time.label}
      formatter={(value, name, entry) => [formatter(Number(value), entry.payload as ChartPoint), name]}
      contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: colors.grid }}
    />
  );
  return (
    <div className="grid grid-cols-1 gap-3 lg:grid-cols-2">
      <ChartCard title="Requests & errors" testId="chart-requests">
        <BarChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -8 }}>
          {grid}
          {xAxis}
          <YAxis allowDecimals={false} tickFormatter={formatCompact} width={44} {...axisProps} />
          {tooltip((value) => formatInteger(value))}
          <Legend iconSize={8} wrapperStyle={{ fontSize: 11 }} />
          <Bar isAnimationActive={false} dataKey="requests" name="Requests" fill={colors.accent} />
          <Bar isAnimationActive={false} dataKey="errors" name="Errors" fill={colors.error} />
        </BarChart>
      </ChartCard>
      <ChartCard title="Tokens" testId="chart-tokens">
        <AreaChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -8 }}>
          {grid}
          {xAxis}
          <YAxis tickFormatter={formatCompact} width={44} {...axisProps} />
          {tooltip((value) => formatInteger(value))}
          <Legend iconSize={8} wrapperStyle={{ fontSize: 11 }} />
          <Area isAnimationActive={false} dataKey="inputTokens" name="Input" stroke={colors.accent} fill={colors.accent} fillOpacity={0.15} type="linear" />
          <Area isAnimationActive={false} dataKey="outputTokens" name="Output" stroke={colors.output} fill={colors.output} fillOpacity={0.15} type="linear" />
        </AreaChart>
      </ChartCard>
      <ChartCard title="Cost (USD)" testId="chart-cost">
        <AreaChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -8 }}>
          {grid}
          {xAxis}
          <YAxis tickFormatter={formatCostTick} width={72} {...axisProps} />
          {tooltip((_value, item) => formatUsd(item.costUsd))}
          <Area isAnimationActive={false} dataKey="cost" name="Cost" stroke={colors.accent} fill={colors.accent} fillOpacity={0.15} type="linear" />
        </AreaChart>
      </ChartCard>
      <ChartCard title="Latency p50 / p95 · first token p50" testId="chart-latency">
        <LineChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -8 }}>
          {grid}
          {xAxis}
          <YAxis tickFormatter={(value: number) => formatMs(value)} width={60} {...axisProps} />
          {tooltip((value) => formatMs(value))}
          <Legend iconSize={8} wrapperStyle={{ fontSize: 11 }} />
          <Line isAnimationActive={false} dataKey="p50Ms" name="p50" stroke={colors.accent} dot={{ r: 2 }} connectNulls type="linear" />
          <Line isAnimationActive={false} dataKey="p95Ms" name="p95" stroke={colors.p95} dot={{ r: 2 }} connectNulls type="linear" />
          <Line isAnimationActive={false} dataKey="ttftP50Ms" name="first token p50" stroke={colors.ttft} strokeDasharray="4 3" dot={{ r: 2 }} connectNulls type="linear" />
        </LineChart>
      </ChartCard>
    </div>
  );
}
