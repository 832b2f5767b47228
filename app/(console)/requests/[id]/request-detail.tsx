"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Badge, StatusBadge } from "@/app/_components/badge";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatDateTime, formatInteger, formatKeyPrefix, formatMs, formatPercent, formatUsd } from "@/app/_components/format";
import { useTRPC } from "@/app/_trpc/client";
import { DetailList } from "./detail-list";
import { RequestBody } from "./request-body";
import { RequestContext } from "./request-context";
import { RequestPolicy } from "./request-policy";
import { RequestRouting } from "./request-routing";
import { RequestWarnings } from "./request-warnings";

const yesNo = (value: boolean) => (value ? "yes" : "no");

export function RequestDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const request = useQuery(trpc.requests.get.queryOptions({ id }));
  if (request.isLoading) return <p className="text-sm text-neutral-500">Loading…</p>;
  if (!request.data) return <ErrorBanner error={request.error ?? "No such request."} title="Could not load the request" />;
  const row = request.data;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">{row.requestedModel ?? "Request"}</h1>
        <StatusBadge status={row.status} />
        <Badge>HTTP {row.httpStatus}</Badge>
        {row.clientAborted ? <Badge tone="amber">client aborted</Badge> : null}
        {row.tokensEstimated ? <Badge tone="amber">tokens estimated</Badge> : null}
      </div>
      {row.errorKind || row.errorMessage ? (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="request-error">
          <p className="font-medium">{row.errorKind ?? "error"}</p>
          {row.errorMessage ? <p className="mt-0.5 break-words">{row.errorMessage}</p> : null}
        </div>
      ) : null}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <DetailList
          title="Request"
          items={[
            { label: "Request id", value: <span className="font-mono text-xs">{row.id}</span> },
            { label: "Endpoint", value: <span className="font-mono text-xs">{row.endpoint}</span> },
            { label: "Requested model", value: row.requestedModel ?? "—", testId: "detail-requested-model" },
            { label: "Served model", value: row.servedModel ?? "—" },
            { label: "Provider", value: row.provider ?? "—" },
            { label: "Key", value: <span className="font-mono text-xs">{formatKeyPrefix(row.keyPrefix)}</span> },
            { label: "Stream", value: yesNo(row.stream) },
            { label: "Started", value: formatDateTime(row.startedAt) },
            { label: "Ended", value: formatDateTime(row.endedAt) },
            { label: "Client aborted", value: yesNo(row.clientAborted) },
            ...(row.experimentId
              ? [
                  {
                    label: "Experiment",
                    value: (
                      <Link href={`/experiments/${row.experimentId}`} className="text-accent-700 hover:underline">
                        variant {row.variant ?? "—"}
                      </Link>
                    ),
                    testId: "detail-experiment",
                  },
                ]
              : []),
          ]}
        />
        <div className="space-y-4">
          <DetailList
            title="Usage and cost"
            items={[
              { label: "Input tokens", value: formatInteger(row.inputTokens), testId: "detail-input-tokens" },
              { label: "Output tokens", value: formatInteger(row.outputTokens), testId: "detail-output-tokens" },
              { label: "Cache read", value: formatInteger(row.cachedInputTokens), testId: "detail-cache-read" },
              { label: "Cache write", value: formatInteger(row.cacheWriteTokens), testId: "detail-cache-write" },
              ...(row.cacheWrite1hTokens > 0 ? [{ label: "of which 1-hour writes", value: formatInteger(row.cacheWrite1hTokens), testId: "detail-cache-write-1h" }] : []),
              { label: "Cache hit ratio", value: formatPercent(row.promptCache.hitRatio), testId: "detail-cache-hit-ratio" },
              {
                label: "Saved by prompt caching",
                value: <span title={`${row.promptCache.savedUsd} USD (exact, vs. the plain input price)`}>{formatUsd(row.promptCache.savedUsd)}</span>,
                testId: "detail-prompt-cache-saved",
              },
              { label: "Reasoning", value: formatInteger(row.reasoningTokens) },
              { label: "Estimated", value: row.tokensEstimated ? "yes (the provider reported no usage)" : "no" },
              { label: "Cost", value: <span title={`${row.costUsd} USD (exact)`}>{formatUsd(row.costUsd)}</span>, testId: "detail-cost" },
              { label: "Response cache", value: cacheLabel(row.cacheStatus), testId: "detail-cache" },
              ...(row.cacheSavedUsd !== null ? [{ label: "Saved by the response cache", value: <span title={`${row.cacheSavedUsd} USD (exact)`}>{formatUsd(row.cacheSavedUsd)}</span>, testId: "detail-cache-saved" }] : []),
            ]}
          />
          <DetailList
            title="Timing"
            items={[
              { label: "Latency", value: formatMs(row.latencyMs), testId: "detail-latency" },
              { label: "Time to first token", value: formatMs(row.ttftMs) },
              { label: "Upstream attempts", value: formatInteger(row.upstreamAttempts) },
            ]}
          />
        </div>
      </div>
      <RequestContext trace={row.contextTrace} parentId={row.parentId} childRequests={row.children} costUsd={row.costUsd} totalCostUsd={row.totalCostUsd} />
      <RequestRouting routing={row.routing} />
      <RequestPolicy policy={row.policy} />
      <RequestBody stored={row.storedBody} />
      <RequestWarnings warnings={row.warnings} />
    </div>
  );
}

/** The ledger's cache mark in words (README "Response cache"). */
function cacheLabel(status: string | null): string {
  if (status === "hit") return "hit (answered from the cache, no upstream call)";
  if (status === "miss") return "miss (answer stored when complete)";
  if (status === "bypass") return "bypassed by the request's headers";
  return "not cached";
}
