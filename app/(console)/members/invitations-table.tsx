"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge, StatusBadge } from "@/app/_components/badge";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatDate, formatRelative } from "@/app/_components/format";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import type { usePermissions } from "@/app/_trpc/use-permissions";
import { isRoleWithin } from "@/server/admin/permissions";

/** Invitations not yet accepted or revoked; the links themselves are never shown again. */
export function InvitationsTable({ permissions }: { permissions: ReturnType<typeof usePermissions> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invitations = useQuery(trpc.members.invitations.queryOptions());
  const revoke = useMutation(trpc.members.revokeInvitation.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.members.invitations.queryKey() }) }));
  const actorRole = permissions.me?.role;
  if (invitations.data?.length === 0) return null;

  return (
    <section className="space-y-3" aria-label="Invitations">
      <h2 className="text-sm font-semibold">Open invitations</h2>
      <ErrorBanner error={invitations.error} title="Could not load invitations" />
      <Table aria-label="Open invitations">
        <TableHead>
          <Th>Email</Th>
          <Th>Role</Th>
          <Th>Invited</Th>
          <Th>Expires</Th>
          <Th>Status</Th>
          <Th className="text-right">Actions</Th>
        </TableHead>
        <TableBody>
          {invitations.isLoading ? <TableMessage colSpan={6}>Loading…</TableMessage> : null}
          {invitations.data?.map((invitation) => {
            const { isExpired } = invitation;
            const mayRevoke = permissions.can("members:write") && actorRole !== undefined && isRoleWithin(invitation.role, actorRole);
            return (
              <Tr key={invitation.id} data-testid="invitation-row">
                <Td className="font-medium">{invitation.email}</Td>
                <Td>
                  <Badge>{invitation.role}</Badge>
                </Td>
                <Td className="whitespace-nowrap text-neutral-600">{formatDate(invitation.createdAt)}</Td>
                <Td className="whitespace-nowrap text-neutral-600">{isExpired ? formatDate(invitation.expiresAt) : formatRelative(invitation.expiresAt)}</Td>
                <Td>
                  <StatusBadge status={isExpired ? "expired" : "pending"} />
                </Td>
                <Td className="text-right">
                  {mayRevoke ? (
                    <ConfirmButton label="Revoke" aria-label={`Revoke invitation for ${invitation.email}`} title="Revoke invitation" confirmLabel="Revoke invitation" onConfirm={() => revoke.mutateAsync({ id: invitation.id })}>
                      <p>
                        Revoke the invitation for <strong>{invitation.email}</strong>? Its link stops working.
                      </p>
                    </ConfirmButton>
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
