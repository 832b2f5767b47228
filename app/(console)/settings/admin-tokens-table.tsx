"use client";

import { StatusBadge } from "@/app/_components/badge";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { formatDate, formatKeyPrefix, formatRelative } from "@/app/_components/format";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import type { RouterOutputs } from "@/app/_trpc/types";

type AdminToken = RouterOutputs["adminTokens"]["list"][number];

export function AdminTokensTable({ tokens, isLoading, onRevoke }: { tokens: AdminToken[] | undefined; isLoading: boolean; onRevoke: (id: string) => Promise<unknown> }) {
  return (
    <Table aria-label="Admin tokens">
      <TableHead>
        <Th>Name</Th>
        <Th>Token</Th>
        <Th>Created</Th>
        <Th>Last used</Th>
        <Th>Status</Th>
        <Th className="text-right">Actions</Th>
      </TableHead>
      <TableBody>
        {isLoading ? <TableMessage colSpan={6}>Loading…</TableMessage> : null}
        {tokens?.length === 0 ? <TableMessage colSpan={6}>No admin tokens yet.</TableMessage> : null}
        {tokens?.map((token) => (
          <Tr key={token.id} data-testid="admin-token-row">
            <Td className="font-medium">{token.name}</Td>
            <Td className="font-mono text-xs text-neutral-600">{formatKeyPrefix(token.tokenPrefix)}</Td>
            <Td className="whitespace-nowrap text-neutral-600">{formatDate(token.createdAt)}</Td>
            <Td className="whitespace-nowrap text-neutral-600">{token.lastUsedAt ? formatRelative(token.lastUsedAt) : "never"}</Td>
            <Td>
              <StatusBadge status={token.revokedAt ? "revoked" : "active"} />
            </Td>
            <Td className="text-right">
              {token.revokedAt ? null : (
                <ConfirmButton label="Revoke" aria-label={`Revoke ${token.name}`} title="Revoke admin token" confirmLabel="Revoke token" onConfirm={() => onRevoke(token.id)}>
                  <p>
                    Revoke <strong>{token.name}</strong>? Scripts using it get 401 from the admin API from now on.
                  </p>
                </ConfirmButton>
              )}
            </Td>
          </Tr>
        ))}
      </TableBody>
    </Table>
  );
}
