"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo } from "react";
import { CodeBlock } from "@/app/_components/code-block";
import { EmptyState } from "@/app/_components/empty-state";
import { ErrorBanner } from "@/app/_components/error-banner";
import { curlSnippet } from "@/app/_components/snippets";
import { useOrigin } from "@/app/_components/use-origin";
import { useTRPC } from "@/app/_trpc/client";
import { CostBreakdown } from "./cost-breakdown";
import { CostSeriesChart } from "./cost-series-chart";
import { fillSeries } from "./fill-series";
import { OverviewCharts } from "./overview-charts";
import { RangePicker, rangeLabel, type OverviewRange } from "./range-picker";
import { StatCards } from "./stat-cards";

export function OverviewDashboard() {
  const trpc = useTRPC();
  // The range lives in the URL (?range=7d), so a view can be shared and survives a reload.
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const asked = searchParams.get("range");
  const range: OverviewRange = asked === "1h" || asked === "24h" || asked === "7d" || asked === "30d" ? asked : "24h";
  const setRange = (next: OverviewRange) => router.replace(next === "24h" ? pathname : `${pathname}?range=${next}`, { scroll: false });
  const overview = useQuery(trpc.overview.get.queryOptions({ range }, { placeholderData: keepPreviousData, refetchInterval: 30_000 }));
  const isEmpty = overview.data?.totals.requests === 0;
  // Only asked when the range is empty: tells "nothing ever" from "nothing lately".
  const anyRequest = useQuery(trpc.requests.list.queryOptions({ limit: 1 }, { enabled: isEmpty }));
  const points = useMemo(() => (overview.data ? fillSeries(overview.data.series, overview.data.from, overview.data.to, overview.data.bucket) : []), [overview.data]);

  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <p className="text-xs text-neutral-500">
          {rangeLabel(range)}
          {overview.data?.isScopedToOwnKeys ? <span data-testid="scope-own-keys"> · your keys only</span> : null}
        </p>
        <RangePicker value={range} onChange={setRange} />
      </div>
      <ErrorBanner error={overview.error} title="Could not load the overview" />
      {overview.isLoading ? <p className="text-sm text-neutral-500">Loading…</p> : null}
      {overview.data ? <StatCards totals={overview.data.totals} promptCache={overview.data.promptCache} /> : null}
      {isEmpty && anyRequest.data?.rows.length === 0 ? <NoRequestsYet /> : null}
      {isEmpty && anyRequest.data && anyRequest.data.rows.length > 0 ? (
        <EmptyState title={`No requests in the ${rangeLabel(range).toLowerCase()}`}>Pick a longer range, or see every request in the ledger.</EmptyState>
      ) : null}
      {overview.data && !isEmpty ? <OverviewCharts points={points} bucket={overview.data.bucket} /> : null}
      {overview.data && !isEmpty ? <CostSeriesChart range={range} /> : null}
      {overview.data && !isEmpty ? <CostBreakdown range={range} totalCostUsd={overview.data.totals.costUsd} /> : null}
    </div>
  );
}

function NoRequestsYet() {
  const origin = useOrigin();
  return (
    <EmptyState title="No requests yet — create a key and call /v1/chat/completions">
      <p className="mb-3">
        <Link href="/keys" className="font-medium text-accent-700 hover:underline">
          Create a key
        </Link>
        , then send a request through the gateway. It shows up here and in{" "}
        <Link href="/requests" className="font-medium text-accent-700 hover:underline">
          Requests
        </Link>{" "}
        within a second.
      </p>
      <div className="text-left">
        <CodeBlock code={curlSnippet(origin)} />
      </div>
    </EmptyState>
  );
}
