"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { StatusBadge } from "@/app/_components/badge";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatDate, formatDateTime, formatKeyPrefix, formatMs, formatRelative, formatUsd } from "@/app/_components/format";
import { PageHeader } from "@/app/_components/page-header";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";
import { BudgetsPanel } from "../../budgets/budgets-panel";
import { SubjectRateLimit } from "../../rate-limits/subject-rate-limit";
import { keyStatus } from "../key-status";
import { AllowedModels } from "../keys-table";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-neutral-500">{label}</dt>
      <dd className="mt-0.5 text-sm text-neutral-800">{children}</dd>
    </div>
  );
}

/** One key: who it belongs to, what it may use, its spend, rate limit, budgets and latest requests. */
export function KeyDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const permissions = usePermissions();
  const isValidId = uuidPattern.test(id);
  const key = useQuery(trpc.keys.get.queryOptions({ id }, { enabled: isValidId }));
  const requests = useQuery(trpc.requests.list.queryOptions({ keyId: id, limit: 10 }, { enabled: isValidId }));

  if (!isValidId) return <ErrorBanner error="No such key." title="Could not load the key" />;
  if (key.isLoading) return <p className="text-sm text-neutral-500">Loading…</p>;
  if (!key.data) return <ErrorBanner error={key.error ?? "No such key."} title="Could not load the key" />;
  const data = key.data;
  const status = keyStatus(data);
  const rows = requests.data?.rows ?? [];

  return (
    <div className="space-y-6">
      <PageHeader
        title={data.name}
        description={
          <span className="flex items-center gap-2">
            <span className="font-mono text-xs">{formatKeyPrefix(data.keyPrefix)}</span>
            <StatusBadge status={status} />
          </span>
        }
      />
      <dl className="grid grid-cols-2 gap-4 rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs md:grid-cols-4" aria-label="Key facts">
        <Fact label="Team">
          {data.teamId && data.teamName ? (
            <Link href={`/teams/${data.teamId}`} className="text-accent-700 hover:underline">
              {data.teamName}
            </Link>
          ) : (
            "—"
          )}
        </Fact>
        <Fact label="Belongs to">{data.userEmail ?? "no member (a service key)"}</Fact>
        <Fact label="Allowed models">
          <AllowedModels models={data.allowedModels} />
        </Fact>
        <Fact label="Region">{data.region ?? "—"}</Fact>
        <Fact label="Created">{formatDate(data.createdAt)}</Fact>
        <Fact label="Expires">{data.expiresAt ? formatDate(data.expiresAt) : "never"}</Fact>
        <Fact label="Last used">{data.lastUsedAt ? formatRelative(data.lastUsedAt) : "never"}</Fact>
        <Fact label={`Spend, last ${data.spend.days} days`}>
          <span className="tabular font-semibold" data-testid="key-spend" title={`${data.spend.costUsd} USD (exact)`}>
            {formatUsd(data.spend.costUsd)}
          </span>
          <span className="text-neutral-500"> · {data.spend.requests} requests</span>
        </Fact>
      </dl>
      {permissions.can("rate-limits:read") ? <SubjectRateLimit scope="key" scopeId={id} name={data.name} /> : null}
      {permissions.can("budgets:read") ? (
      <section className="space-y-3" aria-label="Key budgets">
        <h2 className="text-sm font-semibold">Budgets</h2>
        <BudgetsPanel scope="key" scopeId={id} />
        {data.teamId && data.teamName ? (
          <>
            <h3 className="pt-2 text-xs font-medium text-neutral-500">Budgets of its team, {data.teamName}</h3>
            <BudgetsPanel scope="team" scopeId={data.teamId} />
          </>
        ) : null}
        <p className="text-xs text-neutral-500">
          {data.teamName ? `The team's budgets apply to this key too (see ${data.teamName}). ` : ""}
          Add or change budgets on the{" "}
          <Link href="/budgets" className="text-accent-700 hover:underline">
            Budgets
          </Link>{" "}
          page.
        </p>
      </section>
      ) : null}
      <section className="space-y-3" aria-label="Latest requests">
        <div className="flex items-baseline justify-between">
          <h2 className="text-sm font-semibold">Latest requests</h2>
          <Link href={`/requests?key=${id}`} className="text-xs text-accent-700 hover:underline">
            All of this key&apos;s requests
          </Link>
        </div>
        <Table aria-label="Latest requests of the key">
          <TableHead>
            <Th>Time</Th>
            <Th>Model</Th>
            <Th>Status</Th>
            <Th className="text-right">Tokens</Th>
            <Th className="text-right">Cost</Th>
            <Th className="text-right">Latency</Th>
          </TableHead>
          <TableBody>
            {requests.isLoading ? <TableMessage colSpan={6}>Loading…</TableMessage> : null}
            {!requests.isLoading && rows.length === 0 ? <TableMessage colSpan={6}>No requests with this key yet.</TableMessage> : null}
            {rows.map((row) => (
              <Tr key={row.id} data-testid="key-request-row">
                <Td className="whitespace-nowrap">
                  <Link href={`/requests/${encodeURIComponent(row.id)}`} className="text-accent-700 hover:underline">
                    {formatDateTime(row.startedAt)}
                  </Link>
                </Td>
                <Td>{row.requestedModel ?? "—"}</Td>
                <Td>
                  <StatusBadge status={row.status} />
                </Td>
                <Td className="tabular text-right">{row.inputTokens + row.outputTokens}</Td>
                <Td className="tabular text-right" title={`${row.costUsd} USD (exact)`}>
                  {formatUsd(row.costUsd)}
                </Td>
                <Td className="tabular text-right">{formatMs(row.latencyMs)}</Td>
              </Tr>
            ))}
          </TableBody>
        </Table>
      </section>
    </div>
  );
}
