"use client";

import { useQuery } from "@tanstack/react-query";
import { Badge } from "@/app/_components/badge";
import { ErrorBanner } from "@/app/_components/error-banner";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";

/** Calls, errors, p95 and cost per tool over 24 hours, and the newest call rows. */
export function ActivitySection() {
  const trpc = useTRPC();
  const activity = useQuery({ ...trpc.mcp.activity.queryOptions(), refetchInterval: 5_000 });
  return (
    <section className="mt-8" aria-label="MCP activity">
      <h2 className="mb-2 text-base font-semibold">Tool calls (24 hours)</h2>
      <ErrorBanner error={activity.error} title="Activity" />
      <Table aria-label="MCP tool summary">
        <TableHead>
          <Th>Tool</Th>
          <Th className="text-right">Calls</Th>
          <Th className="text-right">Errors</Th>
          <Th className="text-right">p95 (ms)</Th>
          <Th className="text-right">Cost (USD)</Th>
        </TableHead>
        <TableBody>
          {activity.data?.perTool.length === 0 ? <TableMessage colSpan={5}>No calls yet.</TableMessage> : null}
          {activity.data?.perTool.map((row) => (
            <Tr key={`${row.serverSlug}/${row.tool}`}>
              <Td className="font-mono text-xs">{row.serverSlug ? `${row.serverSlug}__${row.tool}` : row.tool}</Td>
              <Td className="tabular text-right">{row.calls}</Td>
              <Td className="tabular text-right">{row.errors}</Td>
              <Td className="tabular text-right">{row.p95Ms}</Td>
              <Td className="tabular text-right">{row.costUsd}</Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
      <h3 className="mt-6 mb-2 text-sm font-semibold">Recent calls</h3>
      <Table aria-label="MCP calls">
        <TableHead>
          <Th>When</Th>
          <Th>Key</Th>
          <Th>Tool</Th>
          <Th>Status</Th>
          <Th className="text-right">Latency (ms)</Th>
          <Th>Error</Th>
        </TableHead>
        <TableBody>
          {activity.data?.calls.map((call) => (
            <Tr key={call.id} data-testid="mcp-call-row">
              <Td className="text-xs">{call.createdAt.toLocaleString()}</Td>
              <Td className="font-mono text-xs">{call.keyId?.slice(0, 8)}</Td>
              <Td className="font-mono text-xs">{call.serverSlug ? `${call.serverSlug}__${call.tool}` : call.tool}</Td>
              <Td>
                <Badge tone={call.status === "ok" ? "green" : call.status === "denied" || call.status === "rate_limited" ? "amber" : "red"}>{call.status}</Badge>
              </Td>
              <Td className="tabular text-right">{call.latencyMs}</Td>
              <Td className="max-w-xs truncate text-xs">{call.error}</Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}
