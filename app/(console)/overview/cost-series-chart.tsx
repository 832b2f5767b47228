"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatUsd } from "@/app/_components/format";
import { useTRPC } from "@/app/_trpc/client";
import { noGroupLabel, type OverviewGrouping } from "./groupings";
import type { OverviewRange } from "./range-picker";

type Grouping = OverviewGrouping;
const groupings: Grouping[] = ["model", "provider", "team", "key", "owner"];
const optionLabels: Record<Grouping, string> = { model: "model", provider: "provider", team: "team", key: "key", owner: "user (key owner)" };
const palette = ["#4f46e5", "#0d9488", "#d97706", "#db2777", "#2563eb"];
const OTHER = "#a3a3a3";

/** Cost over time, stacked by the five largest teams, keys, users (key owners), models or providers of the range and the rest. */
export function CostSeriesChart({ range }: { range: OverviewRange }) {
  const trpc = useTRPC();
  const [groupBy, setGroupBy] = useState<Grouping>("model");
  const series = useQuery(trpc.overview.costSeries.queryOptions({ range, group_by: groupBy }, { placeholderData: keepPreviousData, refetchInterval: 30_000 }));
  const data = series.data;
  const names = data ? data.groups.map((group) => (group.key === null ? noGroupLabel[groupBy] : (group.label ?? group.key))) : [];
  const hasOther = data ? data.points.some((point) => point.otherUsd !== "0" && Number(point.otherUsd) !== 0) : false;
  // Bar heights are floats for drawing only; the tooltip shows each exact decimal.
  const points = data
    ? data.points.map((point) => ({
        time: new Date(point.bucket).getTime(),
        exact: [...point.costs, point.otherUsd],
        ...Object.fromEntries(point.costs.map((cost, index) => [`s${index}`, Number(cost)])),
        other: Number(point.otherUsd),
      }))
    : [];
  const format = new Intl.DateTimeFormat("en-US", data?.bucket === "day" ? { month: "short", day: "numeric" } : { month: "short", day: "numeric", hour: "2-digit", hour12: false });
  return (
    <section className="rounded-lg border border-neutral-200 bg-white px-4 pt-3 pb-2 shadow-xs" aria-label="Cost over time by group" data-testid="chart-cost-by">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 className="text-xs font-semibold text-neutral-600">Cost per {data?.bucket === "day" ? "day" : "hour"} by</h2>
        <select aria-label="Cost over time by" value={groupBy} onChange={(event) => setGroupBy(event.target.value as Grouping)} className="rounded-md border border-neutral-300 bg-white px-2 py-1 text-xs">
          {groupings.map((grouping) => (
            <option key={grouping} value={grouping}>
              {optionLabels[grouping]}
            </option>
          ))}
        </select>
      </div>
      <div className="h-60">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#e5e5e5" vertical={false} />
            <XAxis dataKey="time" tickFormatter={(time: number) => format.format(time)} minTickGap={32} stroke="#737373" fontSize={11} tickLine={false} axisLine={false} />
            <YAxis stroke="#737373" fontSize={11} tickLine={false} axisLine={false} width={72} tickFormatter={(value: number) => (value === 0 ? "$0" : value < 0.000001 ? `$${value.toExponential(1)}` : `$${Number(value.toPrecision(2))}`)} />
            <Tooltip
              labelFormatter={(time) => (typeof time === "number" ? format.format(time) : String(time))}
              formatter={(_value, name, entry) => {
                const payload = entry.payload as { exact: string[] };
                const index = entry.dataKey === "other" ? payload.exact.length - 1 : Number(String(entry.dataKey).slice(1));
                return [formatUsd(payload.exact[index]), name];
              }}
              contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: "#e5e5e5" }}
            />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {names.map((name, index) => (
              <Bar key={`s${index}`} dataKey={`s${index}`} name={name} stackId="cost" fill={palette[index % palette.length]} isAnimationActive={false} />
            ))}
            {hasOther ? <Bar dataKey="other" name="Others" stackId="cost" fill={OTHER} isAnimationActive={false} /> : null}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}
