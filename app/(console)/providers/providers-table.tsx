"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { Dialog } from "@/app/_components/dialog";
import { ErrorBanner } from "@/app/_components/error-banner";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import type { RouterOutputs } from "@/app/_trpc/types";
import { EditProviderForm } from "./edit-provider-form";
import { TestConnectionResult, type TestOutcome } from "./test-connection-result";

type Connection = RouterOutputs["providers"]["list"][number];

export function ProvidersTable({ canWrite }: { canWrite: boolean }) {
  const trpc = useTRPC();
  const connections = useQuery(trpc.providers.list.queryOptions());
  const test = useMutation(trpc.providers.test.mutationOptions());
  const [outcomes, setOutcomes] = useState<Record<string, TestOutcome>>({});
  const [testing, setTesting] = useState<string | null>(null);
  const [editing, setEditing] = useState<Connection | null>(null);
  const columns = canWrite ? 8 : 7;

  async function runTest(id: string) {
    setTesting(id);
    try {
      const result = await test.mutateAsync({ id });
      setOutcomes((current) => ({ ...current, [id]: { result } }));
    } catch (error) {
      setOutcomes((current) => ({ ...current, [id]: { error } }));
    } finally {
      setTesting(null);
    }
  }

  /** A saved edit may change the key or URL, so an earlier test result no longer applies. */
  function closeEditor(id: string) {
    setEditing(null);
    setOutcomes(({ [id]: _stale, ...rest }) => rest);
  }

  return (
    <div className="space-y-3">
      <ErrorBanner error={connections.error} title="Could not load providers" />
      <Table aria-label="Provider connections">
        <TableHead>
          <Th>Name</Th>
          <Th>Kind</Th>
          <Th>Base URL</Th>
          <Th>Credential</Th>
          <Th>Region</Th>
          <Th>Enabled</Th>
          <Th>Source</Th>
          {canWrite ? <Th className="text-right">Actions</Th> : null}
        </TableHead>
        <TableBody>
          {connections.isLoading ? <TableMessage colSpan={columns}>Loading…</TableMessage> : null}
          {connections.data?.length === 0 ? <TableMessage colSpan={columns}>No providers yet. Add one, or set OPENAI_API_KEY / ANTHROPIC_API_KEY / GEMINI_API_KEY and restart.</TableMessage> : null}
          {connections.data?.map((connection) => (
            <Fragment key={connection.id}>
              <Tr data-testid="provider-row">
                <Td className="font-medium">{connection.name}</Td>
                <Td>
                  <Badge>{connection.kind}</Badge>
                </Td>
                <Td className="max-w-72 truncate font-mono text-xs text-neutral-600" title={connection.baseUrl}>
                  {connection.baseUrl}
                </Td>
                <Td className="font-mono text-xs text-neutral-600">{connection.credentialLast4 ? `••••${connection.credentialLast4}` : <span className="font-sans text-neutral-400">none</span>}</Td>
                <Td className="text-neutral-600">{connection.region ?? "—"}</Td>
                <Td>{connection.enabled ? <Badge tone="green">enabled</Badge> : <Badge>disabled</Badge>}</Td>
                <Td className="text-neutral-600">{connection.source}</Td>
                {canWrite ? (
                  <Td className="text-right whitespace-nowrap">
                    <div className="inline-flex gap-1.5">
                      <Button size="sm" onClick={() => runTest(connection.id)} isPending={testing === connection.id} aria-label={`Test connection ${connection.name}`}>
                        Test connection
                      </Button>
                      <Button size="sm" onClick={() => setEditing(connection)} aria-label={`Edit ${connection.name}`}>
                        Edit
                      </Button>
                    </div>
                  </Td>
                ) : null}
              </Tr>
              {outcomes[connection.id] ? (
                <tr className="bg-neutral-50/60">
                  <td colSpan={columns} className="px-3 py-1.5">
                    <TestConnectionResult outcome={outcomes[connection.id]} />
                  </td>
                </tr>
              ) : null}
            </Fragment>
          ))}
        </TableBody>
      </Table>
      <Dialog title={editing ? `Edit ${editing.name}` : "Edit provider"} isOpen={editing !== null} onClose={() => setEditing(null)}>
        {editing ? <EditProviderForm key={editing.id} connection={editing} onDone={() => closeEditor(editing.id)} /> : null}
      </Dialog>
    </div>
  );
}
