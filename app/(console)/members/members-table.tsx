"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge, StatusBadge } from "@/app/_components/badge";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatDate } from "@/app/_components/format";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import type { usePermissions } from "@/app/_trpc/use-permissions";
import type { Role } from "@/db/schema";
import { isRoleWithin } from "@/server/admin/permissions";
import { DeactivateButton } from "./deactivate-button";
import { grantableRoles } from "@/app/_components/roles";

export function MembersTable({ permissions }: { permissions: ReturnType<typeof usePermissions> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const members = useQuery(trpc.members.list.queryOptions());
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.members.list.queryKey() });
  const changeRole = useMutation(trpc.members.changeRole.mutationOptions({ onSettled: invalidate }));
  const reactivate = useMutation(trpc.members.reactivate.mutationOptions({ onSuccess: invalidate }));
  const actorRole = permissions.me?.role;
  // Rows the signed-in member may change: members:write and the member's role within theirs (only an owner manages owners).
  const mayManage = (role: Role) => permissions.can("members:write") && actorRole !== undefined && isRoleWithin(role, actorRole);
  const options = grantableRoles(actorRole);

  return (
    <section className="space-y-3" aria-label="Members">
      <ErrorBanner error={members.error} title="Could not load members" />
      <ErrorBanner error={changeRole.error} title="Could not change the role" />
      <Table aria-label="Members">
        <TableHead>
          <Th>Name</Th>
          <Th>Email</Th>
          <Th>Role</Th>
          <Th>Joined</Th>
          <Th>Status</Th>
          <Th className="text-right">Actions</Th>
        </TableHead>
        <TableBody>
          {members.isLoading ? <TableMessage colSpan={6}>Loading…</TableMessage> : null}
          {members.data?.map((member) => {
            const isSelf = member.id === permissions.me?.userId;
            const isManageable = mayManage(member.role) && !member.deactivatedAt;
            return (
              <Tr key={member.id} data-testid="member-row">
                <Td className="font-medium">
                  {member.name ?? "—"}
                  {isSelf ? <span className="ml-1.5 text-xs text-neutral-400">(you)</span> : null}
                </Td>
                <Td className="text-neutral-700">{member.email}</Td>
                <Td>
                  {isManageable ? (
                    <select
                      aria-label={`Role of ${member.email}`}
                      value={member.role}
                      disabled={changeRole.isPending && changeRole.variables?.userId === member.id}
                      onChange={(event) => changeRole.mutate({ userId: member.id, role: event.target.value as Role })}
                      className="h-7 rounded-md border border-neutral-300 bg-white px-1.5 text-xs shadow-xs"
                    >
                      {options.map((option) => (
                        <option key={option.role} value={option.role}>
                          {option.label}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <Badge tone={member.role === "owner" ? "blue" : "gray"} testId="member-role">
                      {member.role}
                    </Badge>
                  )}
                </Td>
                <Td className="whitespace-nowrap text-neutral-600">{formatDate(member.createdAt)}</Td>
                <Td>
                  <StatusBadge status={member.deactivatedAt ? "deactivated" : "active"} />
                </Td>
                <Td className="text-right">
                  {isManageable && !isSelf ? <DeactivateButton member={member} /> : null}
                  {member.deactivatedAt && mayManage(member.role) ? (
                    <ConfirmButton label="Reactivate" variant="secondary" aria-label={`Reactivate ${member.email}`} title="Reactivate member" confirmLabel="Reactivate" onConfirm={() => reactivate.mutateAsync({ userId: member.id })}>
                      <p>
                        Let <strong>{member.email}</strong> sign in again as {member.role}? Keys revoked at deactivation stay revoked.
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
