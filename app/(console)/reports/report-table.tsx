import Link from "next/link";
import { formatInteger, formatUsd } from "@/app/_components/format";
import { Table, TableBody, TableHead, Td, Th, Tr } from "@/app/_components/table";
import { decimalShare } from "@/server/reports/decimal-share";

interface Row {
  key: string | null;
  adjustmentFor?: string | null;
  name: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
  /** At catalog prices; absent where not recorded (a closed month's frozen lines, adjustments). */
  listCostUsd?: string;
}

/** `statementMonth`: a calendar month grouped by team, so each team row links to its chargeback statement. */
export function ReportTable({ groups, totals, groupLabel, statementMonth }: { groups: Row[]; totals: Omit<Row, "key" | "name">; groupLabel: string; statementMonth?: string }) {
  return (
    <Table data-testid="report-table">
      <TableHead>
        <Th>{groupLabel}</Th>
        <Th className="text-right">Requests</Th>
        <Th className="text-right">Input tokens</Th>
        <Th className="text-right">Output tokens</Th>
        <Th className="text-right" title="At catalog prices">List cost (USD)</Th>
        <Th className="text-right" title="At the org's prices, less provider discounts">Cost (USD)</Th>
        <Th className="text-right">Share</Th>
      </TableHead>
      <TableBody>
        {groups.map((group) => (
          <Tr key={`${group.adjustmentFor ?? ""}:${group.key ?? "none"}`} data-testid={group.adjustmentFor ? "adjustment-row" : undefined}>
            <Td className={group.key === null ? "text-neutral-500 italic" : "font-medium"}>
              {group.name}
              {group.adjustmentFor ? <span className="ml-2 rounded bg-amber-50 px-1.5 py-0.5 text-[11px] font-medium text-amber-800">adjustment for {group.adjustmentFor}</span> : null}
              {statementMonth && group.key && !group.adjustmentFor ? (
                <Link href={`/reports/chargeback?team=${encodeURIComponent(group.key)}&month=${statementMonth}`} className="ml-2 text-xs font-normal text-accent-700 hover:underline">
                  Statement
                </Link>
              ) : null}
            </Td>
            <Td className="text-right tabular-nums">{formatInteger(group.requests)}</Td>
            <Td className="text-right tabular-nums">{formatInteger(group.inputTokens)}</Td>
            <Td className="text-right tabular-nums">{formatInteger(group.outputTokens)}</Td>
            <Td className="text-right text-neutral-500 tabular-nums" title={group.listCostUsd ? `$${group.listCostUsd}` : "not recorded"}>
              {group.listCostUsd ? formatUsd(group.listCostUsd) : "—"}
            </Td>
            <Td className="text-right tabular-nums" title={`$${group.costUsd}`}>
              {formatUsd(group.costUsd)}
            </Td>
            <Td className="text-right text-neutral-500 tabular-nums">{decimalShare(group.costUsd, totals.costUsd)}</Td>
          </Tr>
        ))}
        <Tr className="bg-neutral-50 font-semibold" data-testid="report-total-row">
          <Td>Total</Td>
          <Td className="text-right tabular-nums">{formatInteger(totals.requests)}</Td>
          <Td className="text-right tabular-nums">{formatInteger(totals.inputTokens)}</Td>
          <Td className="text-right tabular-nums">{formatInteger(totals.outputTokens)}</Td>
          <Td className="text-right tabular-nums" title={totals.listCostUsd ? `$${totals.listCostUsd}` : "not recorded"}>
            {totals.listCostUsd ? formatUsd(totals.listCostUsd) : "—"}
          </Td>
          <Td className="text-right tabular-nums" title={`$${totals.costUsd}`}>
            {formatUsd(totals.costUsd)}
          </Td>
          <Td className="text-right tabular-nums">100%</Td>
        </Tr>
      </TableBody>
    </Table>
  );
}
