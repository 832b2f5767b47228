"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { EmptyState } from "@/app/_components/empty-state";
import { ErrorBanner } from "@/app/_components/error-banner";
import { SelectField, TextField } from "@/app/_components/field";
import { formatInteger, formatUsd } from "@/app/_components/format";
import { useTRPC } from "@/app/_trpc/client";
import { ExportButton } from "./export-button";
import { ExportSchedules } from "./export-schedules";
import { PeriodPicker } from "./period-picker";
import { PeriodStatus } from "./period-status";
import { ReportChart } from "./report-chart";
import { ReportTable } from "./report-table";
import { exportHref, groupings, toQuery, type Grouping, type ReportForm } from "./report-query";

export function ReportsPanel() {
  const trpc = useTRPC();
  const [form, setForm] = useState<ReportForm>({ period: "last_month", fromDay: "", toDay: "", groupBy: "team" });
  const query = toQuery(form);
  const report = useQuery(trpc.reports.usage.queryOptions(query ?? { period: "this_month", group_by: form.groupBy }, { enabled: query !== null, placeholderData: keepPreviousData }));
  const data = report.data;
  const range = data ? `${formatLocal(data.period.from, data.period.timeZone)} – ${formatLocal(new Date(data.period.to.getTime() - 1), data.period.timeZone)}` : "";

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3 rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs">
        <PeriodPicker value={form.period} onChange={(period) => setForm({ ...form, period })} />
        {form.period === "custom" ? (
          <>
            <TextField label="From" type="date" value={form.fromDay} onChange={(event) => setForm({ ...form, fromDay: event.target.value })} className="w-40" />
            <TextField label="To (included)" type="date" value={form.toDay} onChange={(event) => setForm({ ...form, toDay: event.target.value })} className="w-40" />
          </>
        ) : null}
        <SelectField label="Group by" value={form.groupBy} onChange={(event) => setForm({ ...form, groupBy: event.target.value as Grouping })} className="w-40">
          {groupings.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
        <div className="ml-auto flex items-end gap-2">
          <ExportButton label="Download CSV" href={query ? exportHref(query, "csv") : null} testId="export-csv" />
          <ExportButton label="Download FOCUS" href={query ? exportHref(query, "focus") : null} testId="export-focus" />
        </div>
      </div>
      {query === null ? <p className="text-sm text-neutral-500">Pick the first and last day of the custom period.</p> : null}
      <ErrorBanner error={report.error} title="Could not load the report" />
      {report.isLoading ? <p className="text-sm text-neutral-500">Loading…</p> : null}
      {data ? (
        <>
          <p className="text-xs text-neutral-500" data-testid="report-period">
            {range} · {data.period.timeZone} · {data.currency}
          </p>
          {data.period.label !== "custom" ? <PeriodStatus month={data.period.label} periodEnd={data.period.to} close={data.close} /> : null}
          <div className="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="report-totals">
            <Total label="Cost" value={formatUsd(data.totals.costUsd)} title={`$${data.totals.costUsd}`} testId="total-cost" />
            <Total label="Requests" value={formatInteger(data.totals.requests)} />
            <Total label="Input tokens" value={formatInteger(data.totals.inputTokens)} />
            <Total label="Output tokens" value={formatInteger(data.totals.outputTokens)} />
          </div>
          {data.totals.requests === 0 ? (
            <EmptyState title="No usage in this period">Pick another period, or send requests through the gateway with a virtual key: they are reported here within seconds.</EmptyState>
          ) : (
            <>
              <ReportChart groups={data.groups} />
              <ReportTable groups={data.groups} totals={data.totals} groupLabel={groupings.find(([value]) => value === data.groupBy)?.[1] ?? data.groupBy}
                statementMonth={data.groupBy === "team" && data.period.label !== "custom" ? data.period.label : undefined}
              />
            </>
          )}
        </>
      ) : null}
      <ExportSchedules />
    </div>
  );
}

function Total({ label, value, title, testId }: { label: string; value: string; title?: string; testId?: string }) {
  return (
    <div className="rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs">
      <p className="text-xs font-medium text-neutral-500">{label}</p>
      <p className="mt-1 text-xl font-semibold text-neutral-900 tabular-nums" title={title} data-testid={testId}>
        {value}
      </p>
    </div>
  );
}

function formatLocal(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "short", day: "numeric" }).format(instant);
}
