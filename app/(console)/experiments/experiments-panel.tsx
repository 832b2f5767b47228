"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { Dialog } from "@/app/_components/dialog";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatDateTime } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { ExperimentForm } from "./experiment-form";
import { statusTones } from "./status-moves";

/** Every A/B experiment of the org; each opens its own page with the results. */
export function ExperimentsPanel() {
  const trpc = useTRPC();
  const canWrite = usePermissions().can("routing:write");
  const experiments = useQuery(trpc.experiments.list.queryOptions());
  const [isCreating, setIsCreating] = useState(false);
  return (
    <>
      <PageHeader
        title="Experiments"
        description="A/B splits of a model or group name between variants, sticky per end user, measured by latency, cost, errors and the feedback callers send to POST /v1/feedback."
        actions={canWrite ? <Button variant="primary" onClick={() => setIsCreating(true)}>New experiment</Button> : null}
      />
      <ErrorBanner error={experiments.error} title="Could not load experiments" />
      <Table aria-label="Experiments">
        <TableHead>
          <Th>Name</Th>
          <Th>Model or group</Th>
          <Th>Status</Th>
          <Th>Split</Th>
          <Th>Winner</Th>
          <Th>Changed</Th>
        </TableHead>
        <TableBody>
          {experiments.data?.length === 0 ? <TableMessage colSpan={6}>No experiments yet.</TableMessage> : null}
          {experiments.data?.map((experiment) => (
            <Tr key={experiment.id} data-testid="experiment-row">
              <Td className="font-medium">
                <Link href={`/experiments/${experiment.id}`} className="text-accent-700 hover:underline">
                  {experiment.name}
                </Link>
              </Td>
              <Td className="font-mono text-xs">{experiment.model}</Td>
              <Td>
                <Badge tone={statusTones[experiment.status]}>{experiment.status}</Badge>
              </Td>
              <Td className="text-xs">{experiment.variants.map((variant) => `${variant.name} ${variant.weight} %`).join(" · ")}</Td>
              <Td>{experiment.winner ?? "—"}</Td>
              <Td className="text-xs text-neutral-500">{formatDateTime(experiment.updatedAt)}</Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
      <Dialog title="New experiment" isOpen={isCreating} onClose={() => setIsCreating(false)} size="lg">
        {isCreating ? <ExperimentForm onDone={() => setIsCreating(false)} /> : null}
      </Dialog>
    </>
  );
}
