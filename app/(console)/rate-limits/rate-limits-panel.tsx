"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { Dialog } from "@/app/_components/dialog";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatInteger } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { scopeLabels } from "./format-limit";
import { RateLimitForm } from "./rate-limit-form";

type Editing = { scope: keyof typeof scopeLabels; scopeId: string | null; current?: { rpm: number | null; tpm: number | null; concurrency: number | null; failMode: "open" | "closed" } };

export function RateLimitsPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const permissions = usePermissions();
  const canWrite = permissions.can("rate-limits:write");
  const limits = useQuery(trpc.rateLimits.list.queryOptions());
  const status = useQuery(trpc.rateLimits.limiterStatus.queryOptions());
  const keys = useQuery(trpc.keys.list.queryOptions());
  const teams = useQuery(trpc.teams.list.queryOptions());
  const remove = useMutation(trpc.rateLimits.delete.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.rateLimits.pathKey() }) }));
  const [editing, setEditing] = useState<Editing | "new" | null>(null);
  const keyNames = new Map(keys.data?.map((key) => [key.id, key.name]));
  const teamNames = new Map(teams.data?.map((team) => [team.id, team.name]));

  function subject(scope: string, scopeId: string | null) {
    if (scope === "org") return <span className="text-neutral-500">the whole organization</span>;
    if (scopeId === null) return <span className="text-neutral-500">each {scopeLabels[scope as keyof typeof scopeLabels].toLowerCase()} without its own limit</span>;
    if (scope === "team") return <Link href={`/teams/${scopeId}`} className="text-accent-700 hover:underline">{teamNames.get(scopeId) ?? scopeId}</Link>;
    if (scope === "key") return <span>{keyNames.get(scopeId) ?? scopeId}</span>;
    return <span className="font-mono text-xs">{scopeId}</span>;
  }
  const value = (number: number | null) => (number === null ? <span className="text-neutral-400">—</span> : formatInteger(number));

  return (
    <>
      <PageHeader
        title="Rate limits"
        description="Requests per minute, tokens per minute (input + output) and concurrent requests, per key, team, end user (the request's user field), model or the whole organization. Every limit that applies to a request must admit it."
        actions={
          canWrite ? (
            <Button variant="primary" onClick={() => setEditing("new")}>
              Add limit
            </Button>
          ) : null
        }
      />
      {status.data?.warning ? (
        <div role="alert" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="limiter-warning">
          <strong className="font-semibold">Limits are not shared between replicas.</strong> {status.data.warning}
        </div>
      ) : null}
      {status.data ? (
        <p className="mb-3 text-xs text-neutral-500" data-testid="limiter-status">
          Running gateways: {status.data.redis} sharing limits through Redis, {status.data.memory} counting in-process.
        </p>
      ) : null}
      <ErrorBanner error={limits.error ?? status.error} title="Could not load rate limits" />
      <Table aria-label="Rate limits">
        <TableHead>
          <Th>Scope</Th>
          <Th>Applies to</Th>
          <Th className="text-right">Requests / min</Th>
          <Th className="text-right">Tokens / min</Th>
          <Th className="text-right">Concurrent</Th>
          <Th>Redis down</Th>
          <Th className="text-right">Actions</Th>
        </TableHead>
        <TableBody>
          {limits.isLoading ? <TableMessage colSpan={7}>Loading…</TableMessage> : null}
          {limits.data?.length === 0 ? <TableMessage colSpan={7}>No rate limits. Requests are limited only by their providers.</TableMessage> : null}
          {limits.data?.map((limit) => (
            <Tr key={limit.id} data-testid="rate-limit-row">
              <Td className="font-medium">{scopeLabels[limit.scope]}</Td>
              <Td>{subject(limit.scope, limit.scopeId)}</Td>
              <Td className="tabular text-right">{value(limit.rpm)}</Td>
              <Td className="tabular text-right">{value(limit.tpm)}</Td>
              <Td className="tabular text-right">{value(limit.concurrency)}</Td>
              <Td>{limit.failMode === "closed" ? <Badge tone="amber">fail closed</Badge> : <Badge>fail open</Badge>}</Td>
              <Td className="text-right whitespace-nowrap">
                {canWrite ? (
                  <span className="inline-flex gap-2">
                    <Button size="sm" onClick={() => setEditing({ scope: limit.scope, scopeId: limit.scopeId, current: limit })}>
                      Edit
                    </Button>
                    <ConfirmButton label="Delete" title="Delete rate limit" confirmLabel="Delete limit" aria-label={`Delete the ${limit.scope} limit`} onConfirm={() => remove.mutateAsync({ id: limit.id })}>
                      <p>Delete this {scopeLabels[limit.scope].toLowerCase()} limit? Replicas stop enforcing it within a second or two.</p>
                    </ConfirmButton>
                  </span>
                ) : null}
              </Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
      <Dialog title={editing === "new" ? "Add rate limit" : "Edit rate limit"} isOpen={editing !== null} onClose={() => setEditing(null)}>
        {editing === "new" ? <RateLimitForm onDone={() => setEditing(null)} /> : editing ? <RateLimitForm scope={editing.scope} scopeId={editing.scopeId} current={editing.current} onDone={() => setEditing(null)} /> : null}
      </Dialog>
    </>
  );
}
