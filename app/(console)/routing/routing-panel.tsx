"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Dialog } from "@/app/_components/dialog";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatDateTime } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { ExperimentsTable } from "./experiments-table";
import { GroupForm, type GroupFormValues } from "./group-form";
import { GroupVersions } from "./group-versions";
import { RoutingEvents } from "./routing-events";
import { strategyLabels } from "./strategy-labels";

export function RoutingPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canWrite = usePermissions().can("routing:write");
  const groups = useQuery(trpc.groups.list.queryOptions());
  const remove = useMutation(trpc.groups.delete.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.groups.pathKey() }) }));
  const [editing, setEditing] = useState<GroupFormValues | "new" | null>(null);
  const [versionsOf, setVersionsOf] = useState<{ id: string; name: string } | null>(null);

  return (
    <>
      <PageHeader
        title="Routing"
        description="Model groups: a public model name served by several deployments, picked by a strategy, with retries, fallbacks and circuit breakers. Callers use the group's name as the model; every routed request's decisions are in its request detail."
        actions={
          canWrite ? (
            <Button variant="primary" onClick={() => setEditing("new")}>
              Add group
            </Button>
          ) : null
        }
      />
      <ErrorBanner error={groups.error} title="Could not load model groups" />
      <Table aria-label="Model groups">
        <TableHead>
          <Th>Name</Th>
          <Th>Strategy</Th>
          <Th>Deployments</Th>
          <Th>Fallbacks</Th>
          <Th>Version</Th>
          <Th className="text-right">Actions</Th>
        </TableHead>
        <TableBody>
          {groups.isLoading ? <TableMessage colSpan={6}>Loading…</TableMessage> : null}
          {groups.data?.length === 0 ? <TableMessage colSpan={6}>No model groups. Each model name maps to one model until you add one.</TableMessage> : null}
          {groups.data?.map((group) => (
            <Tr key={group.id} data-testid="group-row">
              <Td className="font-medium">
                <span className="font-mono text-xs">{group.name}</span> {group.enabled ? null : <Badge tone="amber">disabled</Badge>}
                {group.description ? <p className="text-xs text-neutral-500">{group.description}</p> : null}
              </Td>
              <Td>{strategyLabels[group.definition.strategy]}</Td>
              <Td>
                <ul className="space-y-0.5 text-xs">
                  {group.definition.deployments.map((deployment) => (
                    <li key={deployment.id}>
                      <span className="font-mono">{deployment.id}</span> → {deployment.model}
                      <span className="text-neutral-500">
                        {" "}
                        (weight {deployment.weight}, priority {deployment.priority}
                        {deployment.overrides.max_tokens ? `, max_tokens ${deployment.overrides.max_tokens}` : ""})
                      </span>
                    </li>
                  ))}
                </ul>
              </Td>
              <Td className="text-xs">{group.definition.fallbacks.length ? group.definition.fallbacks.join(" → ") : <span className="text-neutral-400">—</span>}</Td>
              <Td className="text-xs">
                v{group.version}
                <p className="text-neutral-500">{formatDateTime(group.updatedAt)}</p>
              </Td>
              <Td className="text-right whitespace-nowrap">
                <span className="inline-flex gap-2">
                  <Button size="sm" onClick={() => setVersionsOf({ id: group.id, name: group.name })}>
                    Versions
                  </Button>
                  {canWrite ? (
                    <>
                      <Button size="sm" onClick={() => setEditing({ id: group.id, version: group.version, name: group.name, description: group.description, enabled: group.enabled, definition: group.definition })}>
                        Edit
                      </Button>
                      <ConfirmButton label="Delete" title="Delete model group" confirmLabel="Delete group" aria-label={`Delete the group ${group.name}`} onConfirm={() => remove.mutateAsync({ id: group.id })}>
                        <p>Delete the group {group.name} and its versions? Requests naming it then get model_not_found.</p>
                      </ConfirmButton>
                    </>
                  ) : null}
                </span>
              </Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
      <ExperimentsTable canWrite={canWrite} />
      <RoutingEvents />
      <Dialog title={editing === "new" ? "Add model group" : "Edit model group"} isOpen={editing !== null} onClose={() => setEditing(null)}>
        {editing ? <GroupForm current={editing === "new" ? undefined : editing} onDone={() => setEditing(null)} /> : null}
      </Dialog>
      <Dialog title={versionsOf ? `Versions of ${versionsOf.name}` : "Versions"} isOpen={versionsOf !== null} onClose={() => setVersionsOf(null)}>
        {versionsOf ? <GroupVersions id={versionsOf.id} canWrite={canWrite} onDone={() => setVersionsOf(null)} /> : null}
      </Dialog>
    </>
  );
}
