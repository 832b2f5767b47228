"use client";

import { StatusBadge } from "@/app/_components/badge";
import { formatInteger, formatKeyPrefix, formatRelative, formatUsd } from "@/app/_components/format";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import type { RouterOutputs } from "@/app/_trpc/types";
import { keyStatus } from "../../keys/key-status";

type TeamKey = RouterOutputs["teams"]["get"]["keys"][number];

/** The team's keys with their last-30-days spend from the ledger (create and revoke them on the Keys page). */
export function TeamKeysTable({ keys }: { keys: TeamKey[] }) {
  return (
    <section className="space-y-3" aria-label="Team keys">
      <h2 className="text-sm font-semibold">Keys</h2>
      <Table aria-label="Team keys">
        <TableHead>
          <Th>Name</Th>
          <Th>Key</Th>
          <Th>Member</Th>
          <Th>Last used</Th>
          <Th>Status</Th>
          <Th className="text-right">Requests (30 d)</Th>
          <Th className="text-right">Spend (30 d)</Th>
        </TableHead>
        <TableBody>
          {keys.length === 0 ? <TableMessage colSpan={7}>No keys for this team. Create one on the Keys page and choose this team.</TableMessage> : null}
          {keys.map((key) => (
            <Tr key={key.id} data-testid="team-key-row">
              <Td className="font-medium">{key.name}</Td>
              <Td className="font-mono text-xs text-neutral-600">{formatKeyPrefix(key.keyPrefix)}</Td>
              <Td className="text-neutral-600">{key.userEmail ?? "—"}</Td>
              <Td className="whitespace-nowrap text-neutral-600">{key.lastUsedAt ? formatRelative(key.lastUsedAt) : "never"}</Td>
              <Td>
                <StatusBadge status={keyStatus(key)} />
              </Td>
              <Td className="tabular text-right">{formatInteger(key.spend.requests)}</Td>
              <Td className="tabular text-right" title={`${key.spend.costUsd} USD (exact)`}>
                {formatUsd(key.spend.costUsd)}
              </Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}
