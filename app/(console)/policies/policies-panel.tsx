"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Dialog } from "@/app/_components/dialog";
import { ErrorBanner } from "@/app/_components/error-banner";
import { PageHeader } from "@/app/_components/page-header";
import { Switch } from "@/app/_components/switch";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { actionLabels, describeConditions } from "./describe-rule";
import { PolicyRuleForm, type EditableRule } from "./policy-rule-form";
import { PolicyReplay } from "./policy-replay";
import { PolicySimulator } from "./policy-simulator";
import { ResidencyForm } from "./residency-form";

const actionTones = { block: "red", reroute: "blue", redact: "amber", log: "gray" } as const;

export function PoliciesPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canWrite = usePermissions().can("policies:write");
  const policies = useQuery(trpc.policies.list.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.policies.pathKey() });
  const remove = useMutation(trpc.policies.delete.mutationOptions({ onSuccess: invalidate }));
  const reorder = useMutation(trpc.policies.reorder.mutationOptions({ onSuccess: invalidate }));
  const update = useMutation(trpc.policies.update.mutationOptions({ onSuccess: invalidate }));
  const [editing, setEditing] = useState<EditableRule | "new" | null>(null);
  const rules = policies.data?.rules ?? [];

  function move(index: number, by: -1 | 1) {
    const ids = rules.map((rule) => rule.id);
    [ids[index], ids[index + by]] = [ids[index + by], ids[index]];
    reorder.mutate({ ids });
  }

  return (
    <>
      <PageHeader
        title="Policies"
        description="Rules run in order on every request, on every endpoint, before it leaves the gateway. The first enforced block that fires refuses the request; the first reroute picks the model; every redact masks its matches; log only records. Dry-run rules are recorded on the request, never applied."
        actions={
          canWrite ? (
            <Button variant="primary" onClick={() => setEditing("new")}>
              Add rule
            </Button>
          ) : null
        }
      />
      <ErrorBanner error={policies.error ?? reorder.error ?? update.error} title="Could not load or change policies" />
      {policies.data ? <ResidencyForm key={JSON.stringify(policies.data.residency)} current={policies.data.residency} canWrite={canWrite} /> : null}
      <Table aria-label="Policy rules">
        <TableHead>
          <Th>#</Th>
          <Th>Rule</Th>
          <Th>When</Th>
          <Th>Action</Th>
          <Th>Enabled</Th>
          <Th className="text-right">Actions</Th>
        </TableHead>
        <TableBody>
          {policies.isLoading ? <TableMessage colSpan={6}>Loading…</TableMessage> : null}
          {policies.data && rules.length === 0 ? <TableMessage colSpan={6}>No rules. Every request goes through as sent.</TableMessage> : null}
          {rules.map((rule, index) => (
            <Tr key={rule.id} data-testid="policy-row">
              <Td className="tabular text-neutral-500">{index + 1}</Td>
              <Td className="font-medium">
                {rule.name} {rule.dryRun ? <Badge tone="amber">dry run</Badge> : null}
              </Td>
              <Td className="text-xs text-neutral-600">
                {describeConditions(rule.conditions).map((line) => (
                  <div key={line}>{line}</div>
                ))}
              </Td>
              <Td>
                <Badge tone={actionTones[rule.action]}>{actionLabels[rule.action]}</Badge>
                {rule.targetModel ? <span className="ml-1 font-mono text-xs">→ {rule.targetModel}</span> : null}
              </Td>
              <Td>{canWrite ? <Switch isOn={rule.enabled} label={`Enable ${rule.name}`} isPending={update.isPending} onToggle={() => update.mutate({ id: rule.id, patch: { enabled: !rule.enabled } })} /> : rule.enabled ? "yes" : "no"}</Td>
              <Td className="text-right whitespace-nowrap">
                {canWrite ? (
                  <span className="inline-flex gap-1">
                    <Button size="sm" aria-label={`Move ${rule.name} up`} disabled={index === 0 || reorder.isPending} onClick={() => move(index, -1)}>
                      ↑
                    </Button>
                    <Button size="sm" aria-label={`Move ${rule.name} down`} disabled={index === rules.length - 1 || reorder.isPending} onClick={() => move(index, 1)}>
                      ↓
                    </Button>
                    <Button size="sm" onClick={() => setEditing({ id: rule.id, name: rule.name, action: rule.action, targetModel: rule.targetModel, dryRun: rule.dryRun, conditions: rule.conditions })}>
                      Edit
                    </Button>
                    <ConfirmButton label="Delete" title="Delete rule" confirmLabel="Delete rule" aria-label={`Delete ${rule.name}`} onConfirm={() => remove.mutateAsync({ id: rule.id })}>
                      <p>Delete the rule “{rule.name}”? Gateways stop applying it within a second or two.</p>
                    </ConfirmButton>
                  </span>
                ) : null}
              </Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
      <PolicySimulator />
      <PolicyReplay />
      <Dialog title={editing === "new" ? "Add policy rule" : "Edit policy rule"} isOpen={editing !== null} onClose={() => setEditing(null)}>
        {editing === "new" ? <PolicyRuleForm onDone={() => setEditing(null)} /> : editing ? <PolicyRuleForm rule={editing} onDone={() => setEditing(null)} /> : null}
      </Dialog>
    </>
  );
}
