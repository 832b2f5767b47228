"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { Dialog } from "@/app/_components/dialog";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatDate, formatInteger } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { TeamForm } from "./team-form";

export function TeamsPanel() {
  const trpc = useTRPC();
  const permissions = usePermissions();
  const canWrite = permissions.can("teams:write");
  const teams = useQuery(trpc.teams.list.queryOptions());
  const [isCreating, setIsCreating] = useState(false);
  return (
    <>
      <PageHeader
        title="Teams"
        description={permissions.me && !permissions.can("org:read-all") ? "The teams you are in. Your keys can use the models your teams allow." : "Groups of members whose keys share a model list and a spend total."}
        actions={
          canWrite ? (
            <Button variant="primary" onClick={() => setIsCreating(true)}>
              Create team
            </Button>
          ) : null
        }
      />
      <ErrorBanner error={teams.error} title="Could not load teams" />
      <Table aria-label="Teams">
        <TableHead>
          <Th>Name</Th>
          <Th>Allowed models</Th>
          <Th className="text-right">Members</Th>
          <Th className="text-right">Active keys</Th>
          <Th>Created</Th>
        </TableHead>
        <TableBody>
          {teams.isLoading ? <TableMessage colSpan={5}>Loading…</TableMessage> : null}
          {teams.data?.length === 0 ? <TableMessage colSpan={5}>{canWrite ? "No teams yet. Create one to group members and their keys." : "No teams."}</TableMessage> : null}
          {teams.data?.map((team) => (
            <Tr key={team.id} data-testid="team-row">
              <Td className="font-medium">
                <Link href={`/teams/${team.id}`} className="text-accent-700 hover:underline">
                  {team.name}
                </Link>
              </Td>
              <Td>{team.allowedModels ? <Badge tone="blue">{team.allowedModels.length} models</Badge> : <span className="text-neutral-500">all models</span>}</Td>
              <Td className="tabular text-right">{formatInteger(team.memberCount)}</Td>
              <Td className="tabular text-right">{formatInteger(team.activeKeyCount)}</Td>
              <Td className="whitespace-nowrap text-neutral-600">{formatDate(team.createdAt)}</Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
      <Dialog title="Create team" isOpen={isCreating} onClose={() => setIsCreating(false)}>
        <TeamForm onDone={() => setIsCreating(false)} />
      </Dialog>
    </>
  );
}
