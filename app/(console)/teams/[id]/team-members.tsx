"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge, StatusBadge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { SelectField } from "@/app/_components/field";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import type { RouterOutputs } from "@/app/_trpc/types";

type TeamMember = RouterOutputs["teams"]["get"]["members"][number];

export function TeamMembers({ teamId, members, canWrite }: { teamId: string; members: TeamMember[]; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const everyone = useQuery(trpc.members.list.queryOptions(undefined, { enabled: canWrite }));
  const [userId, setUserId] = useState("");
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.teams.pathKey() });
  const add = useMutation(
    trpc.teams.addMember.mutationOptions({
      onSuccess: async () => {
        setUserId("");
        await invalidate();
      },
    }),
  );
  const remove = useMutation(trpc.teams.removeMember.mutationOptions({ onSuccess: invalidate }));
  const inTeam = new Set(members.map((member) => member.id));
  const candidates = everyone.data?.filter((member) => !inTeam.has(member.id) && !member.deactivatedAt) ?? [];
  const columns = canWrite ? 5 : 4;

  return (
    <section className="space-y-3" aria-label="Team members">
      <div className="flex items-end justify-between gap-3">
        <h2 className="text-sm font-semibold">Members</h2>
        {canWrite ? (
          <form
            className="flex items-end gap-2"
            aria-label="Add team member"
            onSubmit={(event) => {
              event.preventDefault();
              if (userId) add.mutate({ teamId, userId });
            }}
          >
            <SelectField label="Add member" value={userId} onChange={(event) => setUserId(event.target.value)} className="w-64">
              <option value="">Choose a member…</option>
              {candidates.map((member) => (
                <option key={member.id} value={member.id}>
                  {member.email}
                </option>
              ))}
            </SelectField>
            <Button type="submit" disabled={!userId} isPending={add.isPending}>
              Add
            </Button>
          </form>
        ) : null}
      </div>
      <ErrorBanner error={add.error} title="Could not add the member" />
      <Table aria-label="Team members">
        <TableHead>
          <Th>Name</Th>
          <Th>Email</Th>
          <Th>Role</Th>
          <Th>Status</Th>
          {canWrite ? <Th className="text-right">Actions</Th> : null}
        </TableHead>
        <TableBody>
          {members.length === 0 ? <TableMessage colSpan={columns}>No members in this team yet.</TableMessage> : null}
          {members.map((member) => (
            <Tr key={member.id} data-testid="team-member-row">
              <Td className="font-medium">{member.name ?? "—"}</Td>
              <Td className="text-neutral-700">{member.email}</Td>
              <Td>
                <Badge>{member.role}</Badge>
              </Td>
              <Td>
                <StatusBadge status={member.deactivatedAt ? "deactivated" : "active"} />
              </Td>
              {canWrite ? (
                <Td className="text-right">
                  <ConfirmButton label="Remove" aria-label={`Remove ${member.email} from the team`} title="Remove from team" confirmLabel="Remove" onConfirm={() => remove.mutateAsync({ teamId, userId: member.id })}>
                    <p>
                      Remove <strong>{member.email}</strong> from the team? Keys they already made for it keep working; revoke them on the Keys page if needed.
                    </p>
                  </ConfirmButton>
                </Td>
              ) : null}
            </Tr>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}
