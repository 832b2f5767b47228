"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { SelectField, TextField } from "@/app/_components/field";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";

const toNumber = (value: string) => (value.trim() === "" ? null : Number(value));

/** Who may see and call which tools, with each grant's limits and cost per call. */
export function GrantsSection({ servers, canWrite }: { servers: { id: string; slug: string }[]; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const grants = useQuery(trpc.mcp.grants.queryOptions());
  const keys = useQuery(trpc.keys.list.queryOptions());
  const teams = useQuery(trpc.teams.list.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.mcp.pathKey() });
  const create = useMutation(trpc.mcp.createGrant.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.mcp.deleteGrant.mutationOptions({ onSuccess: invalidate }));
  const [form, setForm] = useState({ subject: "key" as "key" | "team", subjectId: "", serverId: "", tool: "*", rpm: "", concurrency: "", cost: "0" });
  const change = (field: keyof typeof form) => (event: { target: { value: string } }) => setForm((previous) => ({ ...previous, [field]: event.target.value }));
  const keyNames = new Map(keys.data?.map((key) => [key.id, key.name]));
  const teamNames = new Map(teams.data?.map((team) => [team.id, team.name]));
  const slugs = new Map(servers.map((server) => [server.id, server.slug]));
  const subjects = form.subject === "key" ? (keys.data ?? []).filter((key) => !key.revokedAt).map((key) => ({ id: key.id, name: key.name })) : (teams.data ?? []).map((team) => ({ id: team.id, name: team.name }));

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ subject: form.subject, subject_id: form.subjectId, server_id: form.serverId || null, tool: form.tool.trim() || "*", rpm: toNumber(form.rpm), concurrency: toNumber(form.concurrency), cost_per_call_usd: form.cost.trim() || "0" });
  }
  return (
    <section className="mt-8" aria-label="MCP grants">
      <h2 className="mb-2 text-base font-semibold">Grants</h2>
      <ErrorBanner error={grants.error ?? create.error ?? remove.error} title="Grants" />
      <Table aria-label="MCP grants">
        <TableHead>
          <Th>Who</Th>
          <Th>Server</Th>
          <Th>Tool</Th>
          <Th className="text-right">Calls / min</Th>
          <Th className="text-right">Concurrent</Th>
          <Th className="text-right">Cost per call (USD)</Th>
          <Th className="text-right">Actions</Th>
        </TableHead>
        <TableBody>
          {grants.data?.length === 0 ? <TableMessage colSpan={7}>No grants: no key can use MCP yet.</TableMessage> : null}
          {grants.data?.map((grant) => (
            <Tr key={grant.id} data-testid="mcp-grant-row">
              <Td>{grant.subject === "key" ? `key ${keyNames.get(grant.subjectId) ?? grant.subjectId}` : `team ${teamNames.get(grant.subjectId) ?? grant.subjectId}`}</Td>
              <Td className="font-mono text-xs">{grant.serverId ? (slugs.get(grant.serverId) ?? grant.serverId) : "every server"}</Td>
              <Td className="font-mono text-xs">{grant.tool}</Td>
              <Td className="tabular text-right">{grant.rpm ?? "—"}</Td>
              <Td className="tabular text-right">{grant.concurrency ?? "—"}</Td>
              <Td className="tabular text-right">{grant.costPerCallUsd}</Td>
              <Td className="text-right">
                {canWrite ? (
                  <ConfirmButton label="Delete" title="Delete grant" confirmLabel="Delete grant" onConfirm={() => remove.mutateAsync({ id: grant.id })}>
                    <p>Delete this grant? It stops applying on the next request.</p>
                  </ConfirmButton>
                ) : null}
              </Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
      {canWrite ? (
        <form onSubmit={submit} className="mt-3 grid grid-cols-8 items-end gap-2" aria-label="Add grant">
          <SelectField label="Subject" value={form.subject} onChange={change("subject")}>
            <option value="key">Key</option>
            <option value="team">Team</option>
          </SelectField>
          <SelectField label={form.subject === "key" ? "Key" : "Team"} value={form.subjectId} onChange={change("subjectId")}>
            <option value="">Choose…</option>
            {subjects.map((subject) => (
              <option key={subject.id} value={subject.id}>
                {subject.name}
              </option>
            ))}
          </SelectField>
          <SelectField label="Server" value={form.serverId} onChange={change("serverId")}>
            <option value="">Every server</option>
            {servers.map((server) => (
              <option key={server.id} value={server.id}>
                {server.slug}
              </option>
            ))}
          </SelectField>
          <TextField label="Tool" value={form.tool} onChange={change("tool")} hint="* or a tool name" />
          <TextField label="Calls / min" inputMode="numeric" value={form.rpm} onChange={change("rpm")} placeholder="no limit" />
          <TextField label="Concurrent" inputMode="numeric" value={form.concurrency} onChange={change("concurrency")} placeholder="no limit" />
          <TextField label="Cost per call" value={form.cost} onChange={change("cost")} />
          <Button type="submit" variant="primary" isPending={create.isPending}>
            Grant
          </Button>
        </form>
      ) : null}
    </section>
  );
}
