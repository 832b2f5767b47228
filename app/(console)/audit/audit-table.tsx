"use client";

import { Fragment, useState } from "react";
import { Badge, type BadgeTone } from "@/app/_components/badge";
import { formatDateTime } from "@/app/_components/format";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import type { RouterOutputs } from "@/app/_trpc/types";
import { auditSourceLabels } from "./audit-filters-state";

type AuditRow = RouterOutputs["audit"]["list"]["rows"][number];

const sourceTones: Record<string, BadgeTone> = { console: "blue", admin_api: "amber", sso: "green", system: "gray" };

/** before/after as indented JSON; React escapes it like any text. */
function JsonBlock({ label, value }: { label: string; value: unknown }) {
  return (
    <div className="min-w-0 flex-1">
      <p className="mb-1 text-[11px] font-semibold tracking-wide text-neutral-500 uppercase">{label}</p>
      <pre className="max-h-80 overflow-auto rounded border border-neutral-200 bg-neutral-50 p-2 font-mono text-xs whitespace-pre-wrap text-neutral-800">
        {value === null || value === undefined ? "—" : JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
}

export function AuditTable({ rows, isLoading, isFiltered }: { rows: AuditRow[]; isLoading: boolean; isFiltered: boolean }) {
  const [openId, setOpenId] = useState<number | null>(null);
  return (
    <Table aria-label="Audit log">
      <TableHead>
        <Th>Time</Th>
        <Th>Actor</Th>
        <Th>Source</Th>
        <Th>Action</Th>
        <Th>Target</Th>
        <Th className="text-right">Details</Th>
      </TableHead>
      <TableBody>
        {isLoading ? <TableMessage colSpan={6}>Loading…</TableMessage> : null}
        {!isLoading && rows.length === 0 ? <TableMessage colSpan={6}>{isFiltered ? "No entries match these filters." : "No entries yet."}</TableMessage> : null}
        {rows.map((row) => {
          const isOpen = openId === row.id;
          return (
            <Fragment key={row.id}>
              <Tr data-testid="audit-row">
                <Td className="whitespace-nowrap tabular">{formatDateTime(row.createdAt)}</Td>
                <Td className="max-w-64 truncate" title={row.actor}>
                  <span className="font-medium">{row.actorLabel ?? row.actor}</span>
                  {row.actorLabel ? <span className="block truncate font-mono text-[11px] text-neutral-400">{row.actor}</span> : null}
                </Td>
                <Td>
                  <Badge tone={sourceTones[row.source] ?? "gray"} testId="audit-source">
                    {auditSourceLabels[row.source as keyof typeof auditSourceLabels] ?? row.source}
                  </Badge>
                </Td>
                <Td className="font-mono text-xs whitespace-nowrap" data-testid="audit-action">
                  {row.action}
                </Td>
                <Td className="max-w-72 truncate text-neutral-600">
                  {row.targetType}
                  {row.targetId ? <span className="font-mono text-[11px] text-neutral-400"> {row.targetId}</span> : null}
                </Td>
                <Td className="text-right">
                  <button type="button" className="text-xs font-medium text-accent-700 hover:underline" aria-expanded={isOpen} onClick={() => setOpenId(isOpen ? null : row.id)}>
                    {isOpen ? "Hide" : "Show"}
                  </button>
                </Td>
              </Tr>
              {isOpen ? (
                <tr data-testid="audit-detail">
                  <td colSpan={6} className="bg-white px-2.5 pb-3">
                    <div className="flex gap-3">
                      <JsonBlock label="Before" value={row.before} />
                      <JsonBlock label="After" value={row.after} />
                    </div>
                  </td>
                </tr>
              ) : null}
            </Fragment>
          );
        })}
      </TableBody>
    </Table>
  );
}
