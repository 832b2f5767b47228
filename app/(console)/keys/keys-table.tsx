"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Badge, StatusBadge } from "@/app/_components/badge";
import { ConfirmButton } from "@/app/_components/confirm-button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatDate, formatKeyPrefix, formatRelative } from "@/app/_components/format";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import type { usePermissions } from "@/app/_trpc/use-permissions";
import { KeyRateLimit } from "./key-rate-limit";
import { keyStatus } from "./key-status";

export function AllowedModels({ models }: { models: string[] | null }) {
  if (!models || models.length === 0) return <span className="text-neutral-500">all models</span>;
  const shown = models.slice(0, 3);
  return (
    <span className="flex flex-wrap gap-1" title={models.join(", ")}>
      {shown.map((model) => (
        <Badge key={model} tone="blue">
          {model}
        </Badge>
      ))}
      {models.length > shown.length ? <Badge>+{models.length - shown.length}</Badge> : null}
    </span>
  );
}

export function KeysTable({ permissions }: { permissions: ReturnType<typeof usePermissions> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.keys.list.queryOptions());
  const revoke = useMutation(trpc.keys.revoke.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey() }) }));
  const canReadLimits = permissions.can("rate-limits:read");
  const limits = useQuery(trpc.rateLimits.list.queryOptions({ scope: "key" }, { enabled: canReadLimits }));
  // ?owner=<user id>: one member's keys (the Overview's top users link here).
  const owner = useSearchParams().get("owner");
  const shown = owner ? keys.data?.filter((key) => key.userId === owner) : keys.data;
  const ownerEmail = owner ? keys.data?.find((key) => key.userId === owner)?.userEmail : undefined;
  const canRevoke = (key: { userId: string | null }) => permissions.can("keys:write") || (permissions.can("keys:write-own") && key.userId !== null && key.userId === permissions.me?.userId);

  return (
    <div className="space-y-3">
      <ErrorBanner error={keys.error} title="Could not load keys" />
      {owner ? (
        <p className="text-sm text-neutral-600" data-testid="keys-owner-filter">
          Keys of {ownerEmail ?? "one member"} ·{" "}
          <Link href="/keys" className="text-accent-700 hover:underline">
            show all keys
          </Link>
        </p>
      ) : null}
      <Table aria-label="Virtual keys">
        <TableHead>
          <Th>Name</Th>
          <Th>Key</Th>
          <Th>Team</Th>
          <Th>Member</Th>
          <Th>Allowed models</Th>
          {canReadLimits ? <Th>Rate limit</Th> : null}
          <Th>Expires</Th>
          <Th>Created</Th>
          <Th>Last used</Th>
          <Th>Status</Th>
          <Th className="text-right">Actions</Th>
        </TableHead>
        <TableBody>
          {keys.isLoading ? <TableMessage colSpan={canReadLimits ? 11 : 10}>Loading…</TableMessage> : null}
          {keys.data?.length === 0 ? <TableMessage colSpan={canReadLimits ? 11 : 10}>No keys yet. Create one to call the gateway.</TableMessage> : null}
          {keys.data && keys.data.length > 0 && shown?.length === 0 ? <TableMessage colSpan={canReadLimits ? 11 : 10}>This member has no keys you can see.</TableMessage> : null}
          {shown?.map((key) => {
            const status = keyStatus(key);
            return (
              <Tr key={key.id} data-testid="key-row">
                <Td className="font-medium">
                  <Link href={`/keys/${key.id}`} className="hover:text-accent-700 hover:underline">
                    {key.name}
                  </Link>
                  {key.region ? <span className="ml-1.5 font-mono text-[11px] font-normal text-neutral-500" title="The caller's region (policy rules, data residency)">{key.region}</span> : null}
                </Td>
                <Td className="font-mono text-xs text-neutral-600">{formatKeyPrefix(key.keyPrefix)}</Td>
                <Td className="whitespace-nowrap text-neutral-600">
                  {key.teamId && key.teamName ? (
                    <Link href={`/teams/${key.teamId}`} className="hover:text-accent-700 hover:underline">
                      {key.teamName}
                    </Link>
                  ) : (
                    "—"
                  )}
                </Td>
                <Td className="whitespace-nowrap text-neutral-600">{key.userEmail ?? "—"}</Td>
                <Td>
                  <AllowedModels models={key.allowedModels} />
                </Td>
                {canReadLimits ? (
                  <Td>{status === "revoked" ? "—" : <KeyRateLimit keyId={key.id} keyName={key.name} limits={limits.data} canWrite={permissions.can("rate-limits:write")} />}</Td>
                ) : null}
                <Td className="whitespace-nowrap text-neutral-600">{key.expiresAt ? formatDate(key.expiresAt) : "never"}</Td>
                <Td className="whitespace-nowrap text-neutral-600">{formatDate(key.createdAt)}</Td>
                <Td className="whitespace-nowrap text-neutral-600">{key.lastUsedAt ? formatRelative(key.lastUsedAt) : "never"}</Td>
                <Td>
                  <StatusBadge status={status} />
                </Td>
                <Td className="text-right">
                  {status !== "revoked" && canRevoke(key) ? (
                    <ConfirmButton label="Revoke" aria-label={`Revoke ${key.name}`} title="Revoke key" confirmLabel="Revoke key" onConfirm={() => revoke.mutateAsync({ id: key.id })}>
                      <p>
                        Revoke <strong>{key.name}</strong> ({formatKeyPrefix(key.keyPrefix)})? Requests with it fail with 401 from now on. This cannot be undone.
                      </p>
                    </ConfirmButton>
                  ) : null}
                </Td>
              </Tr>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}
