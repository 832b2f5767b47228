"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Button } from "@/app/_components/button";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Dialog } from "@/app/_components/dialog";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatUsd } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { BudgetAlertsBanner } from "./budget-alerts-banner";
import { BudgetDetail } from "./budget-detail";
import { BudgetForm, scopeLabels } from "./budget-form";

type Budget = { id: string; scope: keyof typeof scopeLabels; scope_id: string | null; model: string | null; period: string; limit_usd: string; spent_usd: string; reserved_usd: string; remaining_usd: string; alert_thresholds: number[]; webhook_url: string | null };

/** Share of the limit used, for the bar only (display). */
function usedShare(budget: Budget): number {
  const limit = Number(budget.limit_usd);
  return limit > 0 ? Math.min(1, (Number(budget.spent_usd) + Number(budget.reserved_usd)) / limit) : 0;
}

export function BudgetsPanel({ scope, scopeId }: { scope?: keyof typeof scopeLabels; scopeId?: string } = {}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const permissions = usePermissions();
  const canWrite = permissions.can("budgets:write");
  const budgets = useQuery(trpc.budgets.list.queryOptions(scope ? { scope, scope_id: scopeId } : undefined));
  const keys = useQuery(trpc.keys.list.queryOptions());
  const teams = useQuery(trpc.teams.list.queryOptions());
  const remove = useMutation(trpc.budgets.delete.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.budgets.pathKey() }) }));
  const [editing, setEditing] = useState<Budget | "new" | null>(null);
  const [viewing, setViewing] = useState<Budget | null>(null);
  const keyNames = new Map(keys.data?.map((key) => [key.id, key.name]));
  const teamNames = new Map(teams.data?.map((team) => [team.id, team.name]));

  function subject(budget: Budget) {
    const model = budget.model ? <span className="text-neutral-500"> · {budget.model} only</span> : null;
    if (budget.scope === "org") return <span className="text-neutral-500">the whole organization{model}</span>;
    if (budget.scope === "team")
      return (
        <span>
          <Link href={`/teams/${budget.scope_id}`} className="text-accent-700 hover:underline">
            {teamNames.get(budget.scope_id ?? "") ?? budget.scope_id}
          </Link>
          {model}
        </span>
      );
    if (budget.scope === "key") return <span>{keyNames.get(budget.scope_id ?? "") ?? budget.scope_id}{model}</span>;
    return <span className="font-mono text-xs">{budget.scope_id}{model}</span>;
  }

  return (
    <>
      {scope ? null : (
        <PageHeader
          title="Budgets"
          description="Hard spend limits per organization, team, key, end user or model, for a day, week, month or lifetime. A request reserves its worst-case cost before it is sent; every budget that applies must have room."
          actions={canWrite ? <Button variant="primary" onClick={() => setEditing("new")}>Add budget</Button> : null}
        />
      )}
      {scope ? null : <BudgetAlertsBanner />}
      <ErrorBanner error={budgets.error} title="Could not load budgets" />
      <Table aria-label="Budgets">
        <TableHead>
          <Th>Scope</Th>
          <Th>Applies to</Th>
          <Th>Period</Th>
          <Th className="text-right">Limit</Th>
          <Th className="text-right">Spent</Th>
          <Th className="text-right">Reserved</Th>
          <Th className="text-right">Remaining</Th>
          <Th>Used</Th>
          <Th className="text-right">Actions</Th>
        </TableHead>
        <TableBody>
          {budgets.isLoading ? <TableMessage colSpan={9}>Loading…</TableMessage> : null}
          {budgets.data?.length === 0 ? <TableMessage colSpan={9}>No budgets. Spend is limited only by rate limits and providers.</TableMessage> : null}
          {budgets.data?.map((budget) => (
            <Tr key={budget.id} data-testid="budget-row">
              <Td className="font-medium">{scopeLabels[budget.scope]}</Td>
              <Td>{subject(budget)}</Td>
              <Td className="capitalize">{budget.period}</Td>
              <Td className="tabular text-right">{formatUsd(budget.limit_usd)}</Td>
              <Td className="tabular text-right" data-testid="budget-spent">{formatUsd(budget.spent_usd)}</Td>
              <Td className="tabular text-right">{formatUsd(budget.reserved_usd)}</Td>
              <Td className="tabular text-right">{formatUsd(budget.remaining_usd)}</Td>
              <Td>
                <div className="h-2 w-24 overflow-hidden rounded bg-neutral-100" role="meter" aria-label="Share of the limit used" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(usedShare(budget) * 100)}>
                  <div className={`h-full ${usedShare(budget) >= 1 ? "bg-red-500" : usedShare(budget) >= 0.8 ? "bg-amber-500" : "bg-accent-500"}`} style={{ width: `${usedShare(budget) * 100}%` }} />
                </div>
              </Td>
              <Td className="text-right whitespace-nowrap">
                <span className="inline-flex gap-2">
                  <Button size="sm" onClick={() => setViewing(budget)}>
                    Details
                  </Button>
                  {canWrite ? (
                    <>
                      <Button size="sm" onClick={() => setEditing(budget)}>
                        Edit
                      </Button>
                      <ConfirmButton label="Delete" title="Delete budget" confirmLabel="Delete budget" aria-label={`Delete the ${budget.scope} budget`} onConfirm={() => remove.mutateAsync({ id: budget.id })}>
                        <p>Delete this {budget.period} budget? Requests stop reserving against it within a second or two; its ledger rows stay.</p>
                      </ConfirmButton>
                    </>
                  ) : null}
                </span>
              </Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
      <Dialog title={editing === "new" ? "Add budget" : "Edit budget"} isOpen={editing !== null} onClose={() => setEditing(null)}>
        {editing ? <BudgetForm editing={editing === "new" ? undefined : editing} teams={teams.data ?? []} keys={keys.data ?? []} onDone={() => setEditing(null)} /> : null}
      </Dialog>
      <Dialog title="Budget" size="lg" isOpen={viewing !== null} onClose={() => setViewing(null)}>
        {viewing ? <BudgetDetail id={viewing.id} /> : null}
      </Dialog>
    </>
  );
}
