"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatDateTime } from "@/app/_components/format";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** Every version of an experiment's settings, newest first, each restorable (as a new version) while it can change. */
export function ExperimentVersions({ id, current, canRestore }: { id: string; current: number; canRestore: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const versions = useQuery(trpc.experiments.versions.queryOptions({ id }));
  const restore = useMutation(trpc.experiments.restore.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.experiments.pathKey() }) }));
  return (
    <section aria-label="Versions" className="mt-6 space-y-2">
      <h2 className="text-sm font-semibold">Versions</h2>
      <ErrorBanner error={versions.error ?? restore.error} title="Could not load or restore a version" />
      <Table aria-label="Experiment versions">
        <TableHead>
          <Th>Version</Th>
          <Th>When</Th>
          <Th>By</Th>
          <Th>Note</Th>
          <Th>Weights</Th>
          <Th>Scope</Th>
          <Th>Bandit</Th>
          {canRestore ? <Th>Restore</Th> : null}
        </TableHead>
        <TableBody>
          {(versions.data ?? []).length === 0 ? <TableMessage colSpan={8}>{versions.isLoading ? "Loading…" : "No versions."}</TableMessage> : null}
          {(versions.data ?? []).map((version) => (
            <Tr key={version.version} data-testid="experiment-version">
              <Td className="tabular">v{version.version}{version.version === current ? <span className="ml-1 text-xs text-neutral-500">(current)</span> : null}</Td>
              <Td className="text-xs whitespace-nowrap">{formatDateTime(version.createdAt)}</Td>
              <Td className="font-mono text-xs">{version.createdBy}</Td>
              <Td className="text-sm">{version.note}</Td>
              <Td className="tabular text-xs">{version.variants.map((variant) => `${variant.name} ${variant.weight} %`).join(" · ")}</Td>
              <Td className="text-xs">{version.scope.key_ids.length + version.scope.team_ids.length === 0 ? "every key" : `${plural(version.scope.key_ids.length, "key")}, ${plural(version.scope.team_ids.length, "team")}`}</Td>
              <Td className="text-xs">{version.bandit ? `${version.bandit.reward.replace("_", "-")}, min ${version.bandit.min_share} %` : "off"}</Td>
              {canRestore ? (
                <Td>
                  {version.version === current ? null : (
                    <ConfirmButton label="Restore" aria-label={`Restore version ${version.version}`} title={`Restore version ${version.version}?`} confirmLabel="Restore" onConfirm={() => restore.mutateAsync({ id, version: version.version })}>
                      <p className="text-sm">Its weights, guardrails, scope and bandit mode become current again, as a new version.</p>
                    </ConfirmButton>
                  )}
                </Td>
              ) : null}
            </Tr>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}
