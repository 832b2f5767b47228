"use client";

import { cx } from "@/app/_components/cx";
import type { PeriodChoice } from "./report-query";

const choices: Array<[PeriodChoice, string]> = [
  ["this_month", "This month"],
  ["last_month", "Last month"],
  ["custom", "Custom"],
];

export function PeriodPicker({ value, onChange }: { value: PeriodChoice; onChange: (period: PeriodChoice) => void }) {
  return (
    <div>
      <p className="mb-1 text-xs font-medium text-neutral-700">Period</p>
      <div role="radiogroup" aria-label="Period" className="inline-flex rounded-md border border-neutral-300 bg-white p-0.5 shadow-xs">
        {choices.map(([choice, label]) => (
          <button
            key={choice}
            type="button"
            role="radio"
            aria-checked={value === choice}
            onClick={() => onChange(choice)}
            className={cx("rounded px-2.5 py-1 text-xs font-medium", value === choice ? "bg-accent-600 text-white" : "text-neutral-600 hover:bg-neutral-100")}
          >
            {label}
          </button>
        ))}
      </div>
    </div>
  );
}
