"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { Badge, StatusBadge } from "@/app/_components/badge";
import { formatDateTime, formatInteger, formatKeyPrefix, formatMs, formatUsd } from "@/app/_components/format";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import type { RouterOutputs } from "@/app/_trpc/types";

type LedgerRow = RouterOutputs["requests"]["list"]["rows"][number];

export function RequestsTable({ rows, isLoading, isFiltered }: { rows: LedgerRow[]; isLoading: boolean; isFiltered: boolean }) {
  const router = useRouter();
  return (
    <Table aria-label="Requests">
      <TableHead>
        <Th>Time</Th>
        <Th>Status</Th>
        <Th>Model (requested → served)</Th>
        <Th>Provider</Th>
        <Th>Key</Th>
        <Th>Stream</Th>
        <Th className="text-right">Tokens in / out</Th>
        <Th className="text-right">Cost</Th>
        <Th className="text-right">Latency</Th>
        <Th className="text-right">TTFT</Th>
      </TableHead>
      <TableBody>
        {isLoading ? <TableMessage colSpan={10}>Loading…</TableMessage> : null}
        {!isLoading && rows.length === 0 ? <TableMessage colSpan={10}>{isFiltered ? "No requests match these filters." : "No requests yet."}</TableMessage> : null}
        {rows.map((row) => (
          <Tr key={row.id} data-testid="request-row" className="cursor-pointer" onClick={() => router.push(`/requests/${encodeURIComponent(row.id)}`)}>
            <Td className="whitespace-nowrap">
              <Link href={`/requests/${encodeURIComponent(row.id)}`} className="text-accent-700 hover:underline" onClick={(event) => event.stopPropagation()}>
                {formatDateTime(row.startedAt)}
              </Link>
            </Td>
            <Td>
              <StatusBadge status={row.status} />
            </Td>
            <Td className="whitespace-nowrap" data-testid="request-model">
              <span className="font-medium">{row.requestedModel ?? "—"}</span>
              {row.servedModel && row.servedModel !== row.requestedModel ? <span className="text-neutral-500"> → {row.servedModel}</span> : null}
            </Td>
            <Td className="text-neutral-600">{row.provider ?? "—"}</Td>
            <Td className="font-mono text-xs text-neutral-600">{formatKeyPrefix(row.keyPrefix)}</Td>
            <Td className="text-neutral-600">{row.stream ? "yes" : "no"}</Td>
            <Td className="tabular text-right whitespace-nowrap">
              {formatInteger(row.inputTokens)} / {formatInteger(row.outputTokens)}
              {row.cachedInputTokens > 0 ? <span className="text-neutral-500"> ({formatInteger(row.cachedInputTokens)} cached)</span> : null}
              {row.tokensEstimated ? <span className="text-neutral-400" title="Estimated: the provider reported no usage"> ~</span> : null}
            </Td>
            <Td className="tabular text-right whitespace-nowrap">
              {row.cacheStatus === "hit" ? (
                <span className="mr-1" title={row.cacheSavedUsd ? `The original answer cost ${row.cacheSavedUsd} USD` : undefined}>
                  <Badge tone="blue" testId="request-cache-hit">
                    cache hit
                  </Badge>
                </span>
              ) : null}
              {formatUsd(row.costUsd)}
            </Td>
            <Td className="tabular text-right whitespace-nowrap">{formatMs(row.latencyMs)}</Td>
            <Td className="tabular text-right whitespace-nowrap text-neutral-600">{formatMs(row.ttftMs)}</Td>
          </Tr>
        ))}
      </TableBody>
    </Table>
  );
}
