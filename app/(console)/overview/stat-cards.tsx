import type { ReactNode } from "react";
import { formatCompact, formatInteger, formatMs, formatPercent, formatUsd } from "@/app/_components/format";
import type { RouterOutputs } from "@/app/_trpc/types";

type OverviewTotals = RouterOutputs["overview"]["get"]["totals"];
type PromptCache = RouterOutputs["overview"]["get"]["promptCache"];

function StatCard({ label, value, detail, testId }: { label: string; value: ReactNode; detail?: ReactNode; testId: string }) {
  return (
    <div className="rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs">
      <p className="text-xs font-medium text-neutral-500">{label}</p>
      <p className="tabular mt-1 text-xl font-semibold text-neutral-900" data-testid={testId}>
        {value}
      </p>
      {detail ? <p className="tabular mt-0.5 text-xs text-neutral-500">{detail}</p> : null}
    </div>
  );
}

export function StatCards({ totals, promptCache }: { totals: OverviewTotals; promptCache: PromptCache }) {
  const errorRate = totals.requests > 0 ? totals.errors / totals.requests : 0;
  return (
    <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
      <StatCard label="Requests" value={formatInteger(totals.requests)} testId="stat-requests" detail={`${formatInteger(totals.errors)} failed`} />
      <StatCard
        label="Tokens (in / out)"
        value={`${formatCompact(totals.inputTokens)} / ${formatCompact(totals.outputTokens)}`}
        testId="stat-tokens"
        detail={`${formatInteger(totals.inputTokens + totals.outputTokens)} total`}
      />
      <StatCard label="Cost (USD)" value={formatUsd(totals.costUsd)} testId="stat-cost" detail="exact, from the ledger" />
      <StatCard label="Error rate" value={formatPercent(errorRate)} testId="stat-error-rate" detail="errors and aborts" />
      <StatCard
        label="Response cache hits"
        value={formatInteger(totals.cacheHits)}
        testId="stat-cache-hits"
        detail={<span data-testid="stat-cache-saved">{formatUsd(totals.cacheSavedUsd)} saved</span>}
      />
      <StatCard label="Latency p50 / p95" value={`${formatMs(totals.p50Ms)} / ${formatMs(totals.p95Ms)}`} testId="stat-latency" detail={<span data-testid="stat-latency-p99">p99 {formatMs(totals.p99Ms)} · whole request</span>} />
      <StatCard
        label="First token p50 / p95"
        value={`${formatMs(totals.ttftP50Ms)} / ${formatMs(totals.ttftP95Ms)}`}
        testId="stat-ttft"
        detail={<span data-testid="stat-ttft-p99">p99 {formatMs(totals.ttftP99Ms)} · streams: first token</span>}
      />
      <StatCard
        label="Prompt cache hit ratio"
        value={formatPercent(promptCache.hitRatio)}
        testId="stat-cache-hit-ratio"
        detail={`${formatCompact(totals.cachedInputTokens)} read, ${formatCompact(totals.cacheWriteTokens)} written`}
      />
      <StatCard
        label="Saved by prompt caching"
        value={<span title={`${promptCache.savedUsd} USD (exact)`}>{formatUsd(promptCache.savedUsd)}</span>}
        testId="stat-prompt-cache-saved"
        detail="vs. the plain input price"
      />
    </div>
  );
}
