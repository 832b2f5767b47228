"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatUsd } from "@/app/_components/format";

interface Group {
  key: string | null;
  name: string;
  costUsd: string;
}

const TOP = 12;

/** Cost per group, largest first (bar heights are floats for drawing only; labels show the exact decimal). */
export function ReportChart({ groups }: { groups: Group[] }) {
  const points = groups.slice(0, TOP).map((group) => ({ name: group.name, cost: Number(group.costUsd), costUsd: group.costUsd }));
  return (
    <section className="rounded-lg border border-neutral-200 bg-white px-4 pt-3 pb-2 shadow-xs" aria-label="Cost by group" data-testid="report-chart">
      <h2 className="mb-2 text-xs font-semibold text-neutral-600">Cost by group{groups.length > TOP ? ` (top ${TOP} of ${groups.length})` : ""}</h2>
      <div className="h-56">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#e5e5e5" vertical={false} />
            <XAxis dataKey="name" stroke="#737373" fontSize={11} tickLine={false} axisLine={false} interval={0} tickFormatter={(name: string) => (name.length > 16 ? `${name.slice(0, 15)}…` : name)} />
            <YAxis stroke="#737373" fontSize={11} tickLine={false} axisLine={false} width={72} tickFormatter={(value: number) => (value === 0 ? "$0" : `$${Number(value.toPrecision(2))}`)} />
            <Tooltip formatter={(_value, _name, entry) => [formatUsd((entry.payload as { costUsd: string }).costUsd), "Cost"]} contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: "#e5e5e5" }} />
            <Bar isAnimationActive={false} dataKey="cost" name="Cost" fill="#4f46e5" />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}
