"use client";

import { Badge, StatusBadge } from "@/app/_components/badge";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { formatDate, formatKeyPrefix, formatRelative } from "@/app/_components/format";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import type { RouterOutputs } from "@/app/_trpc/types";
import type { Role } from "@/db/schema";
import { isRoleWithin } from "@/server/admin/permissions";

type AdminToken = RouterOutputs["adminTokens"]["list"][number];

interface AdminTokensTableProps {
  tokens: AdminToken[] | undefined;
  isLoading: boolean;
  actorRole: Role | undefined;
  onRevoke: (id: string) => Promise<unknown>;
}

export function AdminTokensTable({ tokens, isLoading, actorRole, onRevoke }: AdminTokensTableProps) {
  return (
    <Table aria-label="Admin tokens">
      <TableHead>
        <Th>Name</Th>
        <Th>Token</Th>
        <Th>Role</Th>
        <Th>Created</Th>
        <Th>Last used</Th>
        <Th>Status</Th>
        <Th className="text-right">Actions</Th>
      </TableHead>
      <TableBody>
        {isLoading ? <TableMessage colSpan={7}>Loading…</TableMessage> : null}
        {tokens?.length === 0 ? <TableMessage colSpan={7}>No admin tokens yet.</TableMessage> : null}
        {tokens?.map((token) => (
          <Tr key={token.id} data-testid="admin-token-row">
            <Td className="font-medium">{token.name}</Td>
            <Td className="font-mono text-xs text-neutral-600">{formatKeyPrefix(token.tokenPrefix)}</Td>
            <Td>
              <Badge>{token.role}</Badge>
            </Td>
            <Td className="whitespace-nowrap text-neutral-600">{formatDate(token.createdAt)}</Td>
            <Td className="whitespace-nowrap text-neutral-600">{token.lastUsedAt ? formatRelative(token.lastUsedAt) : "never"}</Td>
            <Td>
              <StatusBadge status={token.revokedAt ? "revoked" : "active"} />
            </Td>
            <Td className="text-right">
              {token.revokedAt || !actorRole || !isRoleWithin(token.role, actorRole) ? null : (
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
