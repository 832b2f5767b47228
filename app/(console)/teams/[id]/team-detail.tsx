"use client";

import Link from "next/link";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Dialog } from "@/app/_components/dialog";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatUsd } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { BudgetsPanel } from "../../budgets/budgets-panel";
import { SubjectRateLimit } from "../../rate-limits/subject-rate-limit";
import { TeamForm } from "../team-form";
import { TeamKeysTable } from "./team-keys-table";
import { TeamMembers } from "./team-members";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function TeamDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const permissions = usePermissions();
  const canWrite = permissions.can("teams:write");
  const isValidId = uuidPattern.test(id);
  const team = useQuery(trpc.teams.get.queryOptions({ id }, { enabled: isValidId }));
  const remove = useMutation(trpc.teams.delete.mutationOptions({ onSuccess: () => router.push("/teams") }));
  const [isEditing, setIsEditing] = useState(false);

  if (!isValidId) return <ErrorBanner error="No such team." title="Could not load the team" />;
  if (team.isLoading) return <p className="text-sm text-neutral-500">Loading…</p>;
  if (!team.data) return <ErrorBanner error={team.error ?? "No such team."} title="Could not load the team" />;
  const data = team.data;

  return (
    <div className="space-y-6">
      <PageHeader
        title={data.name}
        description={
          <span className="flex flex-wrap items-center gap-1">
            {data.allowedModels ? (
              data.allowedModels.map((model) => (
                <Badge key={model} tone="blue">
                  {model}
                </Badge>
              ))
            ) : (
              <span>Keys may use every model.</span>
            )}
          </span>
        }
        actions={
          canWrite ? (
            <>
              <Button onClick={() => setIsEditing(true)}>Edit team</Button>
              <ConfirmButton label="Delete team" title="Delete team" confirmLabel="Delete team" aria-label={`Delete ${data.name}`} onConfirm={() => remove.mutateAsync({ id })}>
                <p>
                  Delete <strong>{data.name}</strong>? Its members stay in the organization. A team with active keys cannot be deleted: revoke them first. Past requests keep
                  their team in the ledger.
                </p>
              </ConfirmButton>
            </>
          ) : null
        }
      />
      <section aria-label="Spend" className="rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs">
        <p className="text-xs font-medium text-neutral-500">
          Spend, last {data.spend.days} days{data.spend.isOwnKeysOnly ? " (your keys)" : ""}
        </p>
        <p className="tabular mt-1 text-xl font-semibold" data-testid="team-spend" title={`${data.spend.costUsd} USD (exact)`}>
          {formatUsd(data.spend.costUsd)}
        </p>
      </section>
      <SubjectRateLimit scope="team" scopeId={id} name={data.name} />
      <section className="space-y-3" aria-label="Team budgets">
        <h2 className="text-sm font-semibold">Budgets</h2>
        <BudgetsPanel scope="team" scopeId={id} />
        <p className="text-xs text-neutral-500">
          Add or change budgets on the <Link href="/budgets" className="text-accent-700 hover:underline">Budgets</Link> page.
        </p>
      </section>
      <TeamMembers teamId={id} members={data.members} canWrite={canWrite} />
      <TeamKeysTable keys={data.keys} />
      <Dialog title="Edit team" isOpen={isEditing} onClose={() => setIsEditing(false)}>
        <TeamForm team={data} onDone={() => setIsEditing(false)} />
      </Dialog>
    </div>
  );
}
