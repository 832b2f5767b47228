"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge, type BadgeTone } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";

const tones: Record<string, BadgeTone> = { approved: "green", pending: "gray", changed: "amber", flagged: "red", removed: "gray" };

/** Every tool the server listed: exposed name or why not, status, flags, and the diff against the approved definition. */
export function ToolsSection({ server, canWrite }: { server: { id: string; slug: string; name: string }; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tools = useQuery(trpc.mcp.tools.queryOptions({ id: server.id }));
  const approve = useMutation(trpc.mcp.approveTool.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.mcp.pathKey() }) }));
  return (
    <section className="mt-8" aria-label={`Tools of ${server.slug}`}>
      <h2 className="mb-2 text-base font-semibold">Tools of {server.name}</h2>
      <ErrorBanner error={tools.error ?? approve.error} title="Tools" />
      <Table aria-label="MCP tools">
        <TableHead>
          <Th>Exposed as</Th>
          <Th>Status</Th>
          <Th>Definition</Th>
          <Th className="text-right">Actions</Th>
        </TableHead>
        <TableBody>
          {tools.data?.length === 0 ? <TableMessage colSpan={4}>No tools seen yet: use Test connection.</TableMessage> : null}
          {tools.data?.map((tool) => {
            const isChanged = tool.approvedHash !== null && tool.approvedHash !== tool.definitionHash;
            return (
              <Tr key={tool.id} data-testid="mcp-tool-row">
                <Td className="font-mono text-xs">{tool.exposedName ?? <span className="text-red-700">{tool.name}: cannot be exposed ({tool.exposeError})</span>}</Td>
                <Td>
                  <Badge tone={tones[tool.status]}>{tool.status}</Badge>
                  {tool.flags.map((flag) => (
                    <span key={flag} className="ml-1">
                      <Badge tone="red">{flag}</Badge>
                    </span>
                  ))}
                </Td>
                <Td className="max-w-md text-xs">
                  {isChanged ? (
                    <details>
                      <summary className="cursor-pointer text-amber-800">Changed since approval: show the diff</summary>
                      <p className="mt-1 font-semibold">Approved</p>
                      <pre className="whitespace-pre-wrap break-all bg-neutral-50 p-1">{JSON.stringify(tool.approvedDefinition, null, 2)}</pre>
                      <p className="mt-1 font-semibold">Now</p>
                      <pre className="whitespace-pre-wrap break-all bg-amber-50 p-1">{JSON.stringify(tool.definition, null, 2)}</pre>
                    </details>
                  ) : (
                    <span>{tool.definition.description ?? <span className="text-neutral-400">no description</span>}</span>
                  )}
                </Td>
                <Td className="text-right whitespace-nowrap">
                  {canWrite && tool.status !== "approved" && tool.status !== "removed" && tool.exposedName ? (
                    <Button
                      size="sm"
                      variant={tool.flags.length > 0 ? "secondary" : "primary"}
                      aria-label={`Approve ${tool.exposedName}`}
                      onClick={() => approve.mutate({ id: tool.id, definition_hash: tool.definitionHash, acknowledge_flags: tool.flags.length > 0 ? window.confirm(`This definition is flagged (${tool.flags.join(", ")}). Approve it anyway?`) : undefined })}
                    >
                      {tool.flags.length > 0 ? "Approve anyway" : isChanged ? "Re-approve" : "Approve"}
                    </Button>
                  ) : null}
                </Td>
              </Tr>
            );
          })}
        </TableBody>
      </Table>
    </section>
  );
}
