"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Dialog } from "@/app/_components/dialog";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatDateTime, formatInteger, formatMs, formatUsd } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { statusMoves, statusTones } from "../status-moves";
import { ExperimentCharts } from "./experiment-charts";
import { ExperimentEditForm } from "./experiment-edit-form";
import { ExperimentVersions } from "./experiment-versions";

const rate = (value: number | null) => (value === null ? "—" : `${(value * 100).toFixed(1)} %`);
const verdictTones = { better: "green", worse: "red", no_difference: "gray", not_enough_data: "gray" } as const;

/** One experiment: per-variant metrics, the significance readout in words, charts over time, promote and rollback, events. */
export function ExperimentDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canWrite = usePermissions().can("routing:write");
  const results = useQuery(trpc.experiments.results.queryOptions({ id }, { refetchInterval: 15_000 }));
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: trpc.experiments.pathKey() });
  const setStatus = useMutation(trpc.experiments.setStatus.mutationOptions({ onSuccess }));
  const promote = useMutation(trpc.experiments.promote.mutationOptions({ onSuccess }));
  const rollback = useMutation(trpc.experiments.rollback.mutationOptions({ onSuccess }));
  const [isEditing, setIsEditing] = useState(false);
  const data = results.data;
  if (!data) return <ErrorBanner error={results.error} title="Could not load the experiment" />;
  const { experiment } = data;
  const isLive = experiment.status === "running" || experiment.status === "paused";
  return (
    <>
      <PageHeader
        title={experiment.name}
        description={
          <>
            Splits <span className="font-mono text-xs">{experiment.model}</span> · <Badge tone={statusTones[experiment.status]} testId="experiment-status">{experiment.status}</Badge>
            {experiment.winner ? <> · winner <strong data-testid="experiment-winner">{experiment.winner}</strong></> : null} · <Link href="/experiments" className="text-accent-700 hover:underline">all experiments</Link>
          </>
        }
        actions={canWrite ? (
          <>
            {experiment.status === "stopped" ? null : <Button onClick={() => setIsEditing(true)}>Edit</Button>}
            {statusMoves[experiment.status].map((move) => (
              <Button key={move.status} isPending={setStatus.isPending} onClick={() => setStatus.mutate({ id, status: move.status })}>{move.label}</Button>
            ))}
          </>
        ) : null}
      />
      <Dialog title="Edit experiment" isOpen={isEditing} onClose={() => setIsEditing(false)} size="lg">
        {isEditing ? <ExperimentEditForm experiment={experiment} onDone={() => setIsEditing(false)} /> : null}
      </Dialog>
      <p className="mb-3 text-xs text-neutral-500" data-testid="experiment-settings">
        Version {experiment.version} · scope: {experiment.scope.key_ids.length + experiment.scope.team_ids.length === 0 ? "every key" : `${experiment.scope.key_ids.length} key${experiment.scope.key_ids.length === 1 ? "" : "s"} and ${experiment.scope.team_ids.length} team${experiment.scope.team_ids.length === 1 ? "" : "s"}`} · bandit:{" "}
        {experiment.bandit ? `Thompson sampling on ${experiment.bandit.reward.replace("_", "-")}, at least ${experiment.bandit.min_share} % per variant${experiment.splitAt ? `, split last moved ${formatDateTime(experiment.splitAt)}` : ""}` : "off"}
      </p>
      <ErrorBanner error={setStatus.error ?? promote.error ?? rollback.error} title="Could not change the experiment" />
      <Table aria-label="Results per variant">
        <TableHead>
          <Th>Variant</Th>
          <Th>Target</Th>
          <Th className="text-right">Weight</Th>
          <Th className="text-right">Requests</Th>
          <Th className="text-right">Error rate</Th>
          <Th className="text-right">Cost / request</Th>
          <Th className="text-right">Latency p50 / p95</Th>
          <Th className="text-right">TTFT p50 / p95</Th>
          <Th className="text-right">Thumbs-up</Th>
          <Th className="text-right">Mean score</Th>
          <Th className="text-right">Tasks done</Th>
          {canWrite && isLive ? <Th>Decide</Th> : null}
        </TableHead>
        <TableBody>
          {data.variants.length === 0 ? <TableMessage colSpan={12}>No variants.</TableMessage> : null}
          {data.variants.map((variant, index) => (
            <Tr key={variant.variant} data-testid="experiment-variant">
              <Td className="font-medium">{variant.variant}{index === 0 ? <span className="ml-1 text-xs text-neutral-500">(control)</span> : null}</Td>
              <Td className="font-mono text-xs">{variant.target}</Td>
              <Td className="tabular text-right">{variant.weight} %</Td>
              <Td className="tabular text-right">{formatInteger(variant.requests)}</Td>
              <Td className="tabular text-right">{rate(variant.errorRate)}</Td>
              <Td className="tabular text-right">{variant.costPerRequestUsd === null ? "—" : <span title={`${variant.costPerRequestUsd} USD`}>{formatUsd(variant.costPerRequestUsd)}</span>}</Td>
              <Td className="tabular text-right">{formatMs(variant.latencyP50Ms)} / {formatMs(variant.latencyP95Ms)}</Td>
              <Td className="tabular text-right">{formatMs(variant.ttftP50Ms)} / {formatMs(variant.ttftP95Ms)}</Td>
              <Td className="tabular text-right">{rate(variant.thumbsUpRate)} <span className="block text-xs text-neutral-500">of {variant.thumbsRated}</span></Td>
              <Td className="tabular text-right">{variant.meanScore === null ? "—" : variant.meanScore.toFixed(2)} <span className="block text-xs text-neutral-500">of {variant.scoresRated}</span></Td>
              <Td className="tabular text-right">{rate(variant.taskCompletionRate)} <span className="block text-xs text-neutral-500">of {variant.tasksRated}</span></Td>
              {canWrite && isLive ? (
                <Td>
                  {/* Stacked, so the table fits a 1400 px window with every column (e2e/console/experiment-edits.spec.ts). */}
                  <span className="flex flex-col items-stretch gap-1">
                    {variant.weight > 0 ? (
                      <ConfirmButton label="Promote" aria-label={`Promote ${variant.variant}`} title={`Promote ${variant.variant}?`} confirmLabel="Promote and stop" variant="primary" onConfirm={() => promote.mutateAsync({ id, variant: variant.variant })}>
                        <p className="text-sm">{experiment.model} will serve {variant.target} from now on (a new group version when it is a group, restorable on the Routing page), and the experiment stops.</p>
                      </ConfirmButton>
                    ) : null}
                    {index > 0 && variant.weight > 0 ? (
                      <ConfirmButton label="Roll back" aria-label={`Roll back ${variant.variant}`} title={`Roll back ${variant.variant}?`} confirmLabel="Roll back" onConfirm={() => rollback.mutateAsync({ id, variant: variant.variant })}>
                        <p className="text-sm">Its {variant.weight} % of the traffic goes to the control, {data.variants[0].variant}.</p>
                      </ConfirmButton>
                    ) : null}
                  </span>
                </Td>
              ) : null}
            </Tr>
          ))}
        </TableBody>
      </Table>
      <section aria-label="Significance" className="mt-6 space-y-3">
        <h2 className="text-sm font-semibold">What the numbers say</h2>
        {data.comparisons.map((comparison) => (
          <div key={comparison.variant} className="rounded-md border border-neutral-200 p-3" data-testid="experiment-readout">
            <p className="mb-1 text-xs text-neutral-500">{comparison.variant} against {comparison.control} (95 % confidence intervals; significance at an O&apos;Brien–Fleming bound for repeated looks)</p>
            <ul className="space-y-0.5 text-sm">
              {comparison.metrics.map((metric) => (
                <li key={metric.metric} data-testid={`readout-${metric.metric}`}>
                  <Badge tone={verdictTones[metric.verdict]}>{metric.verdict.replaceAll("_", " ")}</Badge> {metric.summary}
                </li>
              ))}
            </ul>
          </div>
        ))}
      </section>
      <section aria-label="Over time" className="mt-6 space-y-2">
        <h2 className="text-sm font-semibold">Over time</h2>
        {data.series.length === 0 ? <p className="text-sm text-neutral-500">No requests yet.</p> : <ExperimentCharts series={data.series} variants={data.variants.map((variant) => variant.variant)} bucket={data.bucket} />}
      </section>
      <section aria-label="Events" className="mt-6 space-y-2">
        <h2 className="text-sm font-semibold">Guardrails and events</h2>
        <p className="text-xs text-neutral-500">
          Guardrails: {experiment.guardrails.max_error_rate === undefined ? "no error-rate limit" : `error rate above ${(experiment.guardrails.max_error_rate * 100).toFixed(1)} %`},{" "}
          {experiment.guardrails.max_p95_latency_ratio === undefined ? "no latency limit" : `p95 latency above ${experiment.guardrails.max_p95_latency_ratio}× the control's`}, judged after {experiment.guardrails.min_requests} requests per variant.
        </p>
        <Table aria-label="Experiment events">
          <TableHead>
            <Th>When</Th>
            <Th>What</Th>
            <Th>Variant</Th>
            <Th>By</Th>
            <Th>Why</Th>
          </TableHead>
          <TableBody>
            {experiment.events.length === 0 ? <TableMessage colSpan={5}>No rollbacks, bandit splits or promotions yet.</TableMessage> : null}
            {[...experiment.events].reverse().map((event, index) => (
              <Tr key={index} data-testid="experiment-event">
                <Td className="text-xs">{formatDateTime(event.at)}</Td>
                <Td>{event.type}</Td>
                <Td>{event.variant}</Td>
                <Td className="font-mono text-xs">{event.by}</Td>
                <Td className="text-sm">{event.reason}</Td>
              </Tr>
            ))}
          </TableBody>
        </Table>
      </section>
      <ExperimentVersions id={id} current={experiment.version} canRestore={canWrite && experiment.status !== "stopped"} />
    </>
  );
}
