"use client";

import { cx } from "@/app/_components/cx";

export const overviewRanges = ["1h", "24h", "7d", "30d"] as const;
export type OverviewRange = (typeof overviewRanges)[number];

const labels: Record<OverviewRange, string> = { "1h": "Last hour", "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days" };

export function rangeLabel(range: OverviewRange): string {
  return labels[range];
}

export function RangePicker({ value, onChange }: { value: OverviewRange; onChange: (range: OverviewRange) => void }) {
  return (
    <div role="radiogroup" aria-label="Time range" className="inline-flex rounded-md border border-neutral-300 bg-white p-0.5 shadow-xs">
      {overviewRanges.map((range) => (
        <button
          key={range}
          type="button"
          role="radio"
          aria-checked={value === range}
          title={labels[range]}
          onClick={() => onChange(range)}
          className={cx("rounded px-2.5 py-1 text-xs font-medium", value === range ? "bg-accent-600 text-white" : "text-neutral-600 hover:bg-neutral-100")}
        >
          {range}
        </button>
      ))}
    </div>
  );
}
