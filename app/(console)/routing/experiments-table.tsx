"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatInteger, formatMs, formatUsd } from "@/app/_components/format";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";

const statusTones = { draft: "gray", running: "green", paused: "amber", stopped: "gray" } as const;
type Status = keyof typeof statusTones;
const moves: Record<Status, { status: "running" | "paused" | "stopped"; label: string }[]> = {
  draft: [{ status: "running", label: "Start" }, { status: "stopped", label: "Stop" }],
  running: [{ status: "paused", label: "Pause" }, { status: "stopped", label: "Stop" }],
  paused: [{ status: "running", label: "Resume" }, { status: "stopped", label: "Stop" }],
  stopped: [],
};

/** A/B experiments with their per-variant results; started, paused and stopped here (created through the admin API). */
export function ExperimentsTable({ canWrite }: { canWrite: boolean }) {
  const trpc = useTRPC();
  const experiments = useQuery(trpc.experiments.list.queryOptions());
  return (
    <section aria-label="Experiments" className="mt-8 space-y-2">
      <h2 className="text-sm font-semibold">Experiments</h2>
      <p className="text-xs text-neutral-500">Traffic of a model or group name split between variants, sticky per end user ; create them, read their statistics and promote a winner on the <Link href="/experiments" className="text-accent-700 hover:underline">Experiments</Link> page.</p>
      <ErrorBanner error={experiments.error} title="Could not load experiments" />
      {experiments.data?.length === 0 ? <p className="text-sm text-neutral-500">No experiments.</p> : null}
      {experiments.data?.map((experiment) => <ExperimentCard key={experiment.id} id={experiment.id} canWrite={canWrite} />)}
    </section>
  );
}

function ExperimentCard({ id, canWrite }: { id: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const experiment = useQuery(trpc.experiments.get.queryOptions({ id }));
  const setStatus = useMutation(trpc.experiments.setStatus.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.experiments.pathKey() }) }));
  const row = experiment.data;
  if (!row) return <ErrorBanner error={experiment.error} title="Could not load the experiment" />;
  return (
    <div className="rounded-md border border-neutral-200 p-3" data-testid="experiment">
      <div className="mb-2 flex items-center justify-between gap-2">
        <p className="text-sm">
          <Link href={`/experiments/${row.id}`} className="font-medium text-accent-700 hover:underline">{row.name}</Link> on <span className="font-mono text-xs">{row.model}</span> <Badge tone={statusTones[row.status]}>{row.status}</Badge>
        </p>
        {canWrite ? (
          <span className="inline-flex gap-2">
            {moves[row.status].map((move) => (
              <Button key={move.status} size="sm" isPending={setStatus.isPending} onClick={() => setStatus.mutate({ id, status: move.status })}>
                {move.label}
              </Button>
            ))}
          </span>
        ) : null}
      </div>
      <ErrorBanner error={setStatus.error} title="Could not change the experiment" />
      <Table aria-label={`Results of ${row.name}`}>
        <TableHead>
          <Th>Variant</Th>
          <Th>Target</Th>
          <Th className="text-right">Weight</Th>
          <Th className="text-right">Requests</Th>
          <Th className="text-right">Error rate</Th>
          <Th className="text-right">Cost / request</Th>
          <Th className="text-right">Latency p50 / p95</Th>
          <Th className="text-right">TTFT p50 / p95</Th>
        </TableHead>
        <TableBody>
          {row.results.length === 0 ? <TableMessage colSpan={8}>No variants.</TableMessage> : null}
          {row.results.map((result) => (
            <Tr key={result.variant} data-testid="experiment-variant">
              <Td className="font-medium">{result.variant}</Td>
              <Td className="font-mono text-xs">{result.target}</Td>
              <Td className="tabular text-right">{row.variants.find((variant) => variant.name === result.variant)?.weight ?? 0} %</Td>
              <Td className="tabular text-right">{formatInteger(result.requests)}</Td>
              <Td className="tabular text-right">{result.errorRate === null ? "—" : `${(result.errorRate * 100).toFixed(1)} %`}</Td>
              <Td className="tabular text-right">{result.costPerRequestUsd === null ? "—" : <span title={`${result.costPerRequestUsd} USD`}>{formatUsd(result.costPerRequestUsd)}</span>}</Td>
              <Td className="tabular text-right">
                {formatMs(result.latencyP50Ms)} / {formatMs(result.latencyP95Ms)}
              </Td>
              <Td className="tabular text-right">
                {formatMs(result.ttftP50Ms)} / {formatMs(result.ttftP95Ms)}
              </Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
