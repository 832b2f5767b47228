"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { Dialog } from "@/app/_components/dialog";
import { ErrorBanner } from "@/app/_components/error-banner";
import { PageHeader } from "@/app/_components/page-header";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { ActivitySection } from "./activity-section";
import { GrantsSection } from "./grants-section";
import { ServerForm } from "./server-form";
import { ToolsSection } from "./tools-section";

export function McpPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const canWrite = usePermissions().can("mcp:write");
  const servers = useQuery(trpc.mcp.servers.queryOptions());
  const [isAdding, setIsAdding] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, string>>({});
  const test = useMutation(
    trpc.mcp.testServer.mutationOptions({
      onSuccess: async (result, input) => {
        const changes = `${result.changes.added} added, ${result.changes.changed} changed, ${result.changes.removed} removed`;
        setResults((previous) => ({ ...previous, [input.id]: result.ok ? `${result.message} (${changes})` : result.message }));
        setSelected(input.id);
        await queryClient.invalidateQueries({ queryKey: trpc.mcp.pathKey() });
      },
    }),
  );
  const current = servers.data?.find((server) => server.id === selected) ?? null;

  return (
    <>
      <PageHeader
        title="MCP servers"
        description="Upstream MCP servers behind POST /mcp. Keys see a tool as <server>__<tool> only once its definition is approved and a grant covers it; a changed definition is hidden until it is approved again."
        actions={
          canWrite ? (
            <Button variant="primary" onClick={() => setIsAdding(true)}>
              Add server
            </Button>
          ) : null
        }
      />
      <ErrorBanner error={servers.error ?? test.error} title="MCP servers" />
      <Table aria-label="MCP servers">
        <TableHead>
          <Th>Slug</Th>
          <Th>Name</Th>
          <Th>URL</Th>
          <Th>Auth</Th>
          <Th>Status</Th>
          <Th className="text-right">Actions</Th>
        </TableHead>
        <TableBody>
          {servers.isLoading ? <TableMessage colSpan={6}>Loading…</TableMessage> : null}
          {servers.data?.length === 0 ? <TableMessage colSpan={6}>No MCP servers yet.</TableMessage> : null}
          {servers.data?.map((server) => (
            <Tr key={server.id} data-testid="mcp-server-row">
              <Td className="font-mono text-xs">{server.slug}</Td>
              <Td className="font-medium">{server.name}</Td>
              <Td className="max-w-xs truncate font-mono text-xs">{server.url}</Td>
              <Td>{server.authMode === "none" ? <Badge>none</Badge> : <Badge tone="blue">{server.authMode === "header" ? `header ${server.authHeaderName}` : "OAuth client credentials"}</Badge>}</Td>
              <Td className="text-xs" data-testid="mcp-server-status">
                {results[server.id] ?? (server.lastError ? <span className="text-red-700">{server.lastError}</span> : server.lastSyncedAt ? `synced ${server.lastSyncedAt.toLocaleString()}` : "never tested")}
              </Td>
              <Td className="text-right whitespace-nowrap">
                <span className="inline-flex gap-2">
                  {canWrite ? (
                    <Button size="sm" isPending={test.isPending && test.variables?.id === server.id} onClick={() => test.mutate({ id: server.id })}>
                      Test connection
                    </Button>
                  ) : null}
                  <Button size="sm" onClick={() => setSelected(server.id)}>
                    Tools
                  </Button>
                </span>
              </Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
      {current ? <ToolsSection server={current} canWrite={canWrite} /> : null}
      <GrantsSection servers={servers.data ?? []} canWrite={canWrite} />
      <ActivitySection />
      <Dialog title="Add MCP server" isOpen={isAdding} onClose={() => setIsAdding(false)}>
        {isAdding ? <ServerForm onDone={() => setIsAdding(false)} /> : null}
      </Dialog>
    </>
  );
}
