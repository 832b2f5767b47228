"use client";

import { useQuery } from "@tanstack/react-query";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatInteger, formatUsd } from "@/app/_components/format";
import { Table, TableBody, TableHead, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import { exportHref } from "../report-query";

/** A team's cost for a month by key and by model, exact, printable (the page hides the console's chrome when printed). */
export function ChargebackStatement({ teamId, month }: { teamId: string; month: string }) {
  const trpc = useTRPC();
  const team = useQuery(trpc.teams.get.queryOptions({ id: teamId }));
  const byKey = useQuery(trpc.reports.usage.queryOptions({ month, group_by: "key", team_id: teamId }));
  const byModel = useQuery(trpc.reports.usage.queryOptions({ month, group_by: "model", team_id: teamId }));
  const report = byKey.data;
  const csv = exportHref({ month, group_by: "key", team_id: teamId }, "csv");

  return (
    <article className="space-y-4" data-testid="chargeback-statement">
      <header className="flex items-end justify-between gap-4">
        <div>
          <p className="text-xs font-semibold tracking-wide text-neutral-500 uppercase">Chargeback statement</p>
          <h1 className="text-lg font-semibold text-neutral-900">
            {team.data?.name ?? "…"} · {month}
          </h1>
          {report ? (
            <p className="text-xs text-neutral-500">
              {report.period.from.toISOString().slice(0, 10)} to {report.period.to.toISOString().slice(0, 10)} (exclusive) · {report.period.timeZone} · USD
              {report.close ? " · closed: frozen totals" : " · open period"}
            </p>
          ) : null}
        </div>
        <div className="flex gap-2 print:hidden">
          <a href={csv} className="inline-flex h-8 items-center rounded-md border border-neutral-300 bg-white px-3 text-sm hover:bg-neutral-50" download>
            Download CSV
          </a>
          <Button variant="primary" onClick={() => window.print()}>
            Print
          </Button>
        </div>
      </header>
      <ErrorBanner error={byKey.error ?? byModel.error ?? team.error} title="Could not load the statement" />
      {report ? (
        <p className="text-2xl font-semibold text-neutral-900 tabular-nums" data-testid="chargeback-total" title={`$${report.totals.costUsd}`}>
          {formatUsd(report.totals.costUsd)} <span className="text-sm font-normal text-neutral-500">for {formatInteger(report.totals.requests)} requests</span>
        </p>
      ) : null}
      {[
        ["By key", byKey.data],
        ["By model", byModel.data],
      ].map(([title, data]) =>
        data && typeof data === "object" ? (
          <section key={title as string} aria-label={title as string}>
            <h2 className="mb-1.5 text-sm font-semibold text-neutral-800">{title as string}</h2>
            <Table>
              <TableHead>
                <Th>{title === "By key" ? "Key" : "Model"}</Th>
                <Th className="text-right">Requests</Th>
                <Th className="text-right">Input tokens</Th>
                <Th className="text-right">Output tokens</Th>
                <Th className="text-right">Cost (USD)</Th>
              </TableHead>
              <TableBody>
                {data.groups.map((group) => (
                  <Tr key={`${group.adjustmentFor ?? ""}:${group.key ?? "none"}`}>
                    <Td>
                      {group.name}
                      {group.adjustmentFor ? <span className="ml-2 text-[11px] text-amber-800">adjustment for {group.adjustmentFor}</span> : null}
                    </Td>
                    <Td className="text-right tabular-nums">{formatInteger(group.requests)}</Td>
                    <Td className="text-right tabular-nums">{formatInteger(group.inputTokens)}</Td>
                    <Td className="text-right tabular-nums">{formatInteger(group.outputTokens)}</Td>
                    <Td className="text-right tabular-nums">{formatUsd(group.costUsd)}</Td>
                  </Tr>
                ))}
                <Tr className="bg-neutral-50 font-semibold">
                  <Td>Total</Td>
                  <Td className="text-right tabular-nums">{formatInteger(data.totals.requests)}</Td>
                  <Td className="text-right tabular-nums">{formatInteger(data.totals.inputTokens)}</Td>
                  <Td className="text-right tabular-nums">{formatInteger(data.totals.outputTokens)}</Td>
                  <Td className="text-right tabular-nums">{formatUsd(data.totals.costUsd)}</Td>
                </Tr>
              </TableBody>
            </Table>
          </section>
        ) : null,
      )}
    </article>
  );
}
