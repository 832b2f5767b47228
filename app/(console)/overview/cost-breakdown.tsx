"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatInteger, formatPercent, formatUsd } from "@/app/_components/format";
import { Table, TableBody, TableHead, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import { noGroupLabel, type OverviewGrouping } from "./groupings";
import type { OverviewRange } from "./range-picker";

type Grouping = OverviewGrouping;
interface Row {
  key: string | null;
  label: string | null;
  requests: number;
  errors: number;
  costUsd: string;
}

const titles: Record<Grouping, string> = { team: "Teams", key: "Keys", owner: "Users (key owners)", model: "Models", provider: "Providers" };

/** Where a row's requests are: the Requests page filtered to it (a team: its page; a user: their keys, on the Keys page). */
function hrefOf(grouping: Grouping, key: string | null, errorsOnly = false): string | null {
  if (key === null) return null;
  if (grouping === "team") return `/teams/${encodeURIComponent(key)}`;
  if (grouping === "owner") return errorsOnly ? null : `/keys?owner=${encodeURIComponent(key)}`;
  const params = new URLSearchParams({ [grouping]: key });
  if (errorsOnly) params.set("status", "error");
  return `/requests?${params.toString()}`;
}

/** The Overview's "where the cost goes": the five largest teams, keys, users, models and providers of the range, by cost. */
export function CostBreakdown({ range, totalCostUsd }: { range: OverviewRange; totalCostUsd: string }) {
  const trpc = useTRPC();
  const breakdown = useQuery(trpc.overview.breakdown.queryOptions({ range }, { refetchInterval: 30_000 }));
  if (!breakdown.data) return null;
  const total = Number(totalCostUsd);
  return (
    <section className="space-y-3" aria-label="Where the cost goes" data-testid="cost-breakdown">
      <h2 className="text-sm font-semibold text-neutral-900">Where the cost goes</h2>
      <div className="grid grid-cols-1 gap-3 xl:grid-cols-2">
        {(Object.keys(titles) as Grouping[]).map((grouping) => {
          const { rows, groups } = breakdown.data.groupings[grouping];
          return (
            <div key={grouping} data-testid={`breakdown-${grouping}`}>
              <Table>
                <TableHead>
                  <Th>{titles[grouping]}</Th>
                  <Th className="text-right">Requests</Th>
                  <Th className="text-right">Errors</Th>
                  <Th className="text-right">Cost</Th>
                  <Th className="w-28">Share</Th>
                </TableHead>
                <TableBody>
                  {rows.map((row: Row) => {
                    const href = hrefOf(grouping, row.key);
                    const errorsHref = row.errors > 0 ? hrefOf(grouping, row.key, true) : null;
                    const share = total > 0 ? Number(row.costUsd) / total : 0;
                    const label = row.key === null ? noGroupLabel[grouping] : (row.label ?? row.key);
                    return (
                      <Tr key={row.key ?? "none"} data-testid="breakdown-row">
                        <Td className="max-w-56 truncate" title={label}>
                          {href ? (
                            <Link href={href} className="text-accent-700 hover:underline">
                              {label}
                            </Link>
                          ) : (
                            <span className="text-neutral-500">{label}</span>
                          )}
                        </Td>
                        <Td className="tabular text-right">{formatInteger(row.requests)}</Td>
                        <Td className="tabular text-right">
                          {errorsHref ? (
                            <Link href={errorsHref} className="text-red-700 hover:underline" title={`${formatInteger(row.errors)} failed`}>
                              {formatPercent(row.errors / row.requests)}
                            </Link>
                          ) : (
                            formatPercent(row.requests > 0 ? row.errors / row.requests : 0)
                          )}
                        </Td>
                        <Td className="tabular text-right" title={`${row.costUsd} USD (exact)`}>
                          {formatUsd(row.costUsd)}
                        </Td>
                        <Td>
                          <div className="h-1.5 w-full rounded bg-neutral-100" title={formatPercent(share)}>
                            <div className="h-1.5 rounded bg-accent-600" style={{ width: `${Math.min(100, Math.max(0, share * 100))}%` }} />
                          </div>
                        </Td>
                      </Tr>
                    );
                  })}
                </TableBody>
              </Table>
              {groups > rows.length ? (
                <p className="mt-1 text-xs text-neutral-500">
                  and {formatInteger(groups - rows.length)} more: see{" "}
                  <Link href="/reports" className="text-accent-700 hover:underline">
                    Reports
                  </Link>
                </p>
              ) : null}
            </div>
          );
        })}
      </div>
    </section>
  );
}
