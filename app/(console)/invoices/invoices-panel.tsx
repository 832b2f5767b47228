"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { TextField } from "@/app/_components/field";
import { formatInteger, formatUsd } from "@/app/_components/format";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";

function lastMonth(now = new Date()): string {
  const date = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return date.toISOString().slice(0, 7);
}

/** A datetime-local value (the Requests filters' form) in the browser's time zone. */
function localInput(instant: Date): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${instant.getFullYear()}-${pad(instant.getMonth() + 1)}-${pad(instant.getDate())}T${pad(instant.getHours())}:${pad(instant.getMinutes())}:${pad(instant.getSeconds())}`;
}

function requestsHref(provider: string, from: Date, to: Date): string {
  const params = new URLSearchParams({ provider, from: localInput(from), to: localInput(new Date(to.getTime() - 1000)) });
  return `/requests?${params.toString()}`;
}

export function InvoicesPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const permissions = usePermissions();
  const [month, setMonth] = useState(lastMonth());
  const [provider, setProvider] = useState("");
  const [total, setTotal] = useState("");
  const [invoiceNumber, setInvoiceNumber] = useState("");
  const isMonth = /^\d{4}-(0[1-9]|1[0-2])$/.test(month);
  const reconciliation = useQuery(trpc.invoices.reconciliation.queryOptions({ month }, { enabled: isMonth }));
  const record = useMutation(
    trpc.invoices.record.mutationOptions({
      onSuccess: async () => {
        setTotal("");
        setInvoiceNumber("");
        await queryClient.invalidateQueries({ queryKey: trpc.invoices.reconciliation.queryKey({ month }) });
      },
    }),
  );
  const data = reconciliation.data;

  function submit(event: FormEvent) {
    event.preventDefault();
    record.mutate({ month, provider: provider.trim(), total_usd: total.trim(), invoice_number: invoiceNumber.trim() || null });
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3 rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs">
        <TextField label="Month" type="month" value={month} onChange={(event) => setMonth(event.target.value)} className="w-44" data-testid="invoice-month" />
        {data ? (
          <p className="pb-1.5 text-xs text-neutral-500">
            {data.timeZone} · {data.isClosed ? "closed: gateway cost is the frozen total" : "open: gateway cost follows the live ledger"}
          </p>
        ) : null}
      </div>
      <ErrorBanner error={reconciliation.error} title="Could not load the reconciliation" />
      <Table data-testid="reconciliation-table">
        <TableHead>
          <Th>Provider</Th>
          <Th className="text-right">Requests</Th>
          <Th className="text-right">Gateway cost</Th>
          <Th className="text-right">Invoice</Th>
          <Th className="text-right">Variance</Th>
          <Th className="text-right">Variance %</Th>
          <Th>Invoice no.</Th>
          <Th />
        </TableHead>
        <TableBody>
          {data && data.lines.length === 0 ? (
            <TableMessage colSpan={8}>No usage and no invoice for {month}. Enter a provider&apos;s invoice below, or pick another month.</TableMessage>
          ) : null}
          {data?.lines.map((line) => (
            <Tr key={line.provider} data-testid={`reconciliation-${line.provider}`}>
              <Td className="font-medium">{line.provider}</Td>
              <Td className="text-right tabular-nums">{formatInteger(line.requests)}</Td>
              <Td className="text-right tabular-nums" title={`$${line.gatewayCostUsd}`}>
                {formatUsd(line.gatewayCostUsd)}
              </Td>
              <Td className="text-right tabular-nums">{line.invoice ? formatUsd(line.invoice.totalUsd) : <span className="text-neutral-400">not entered</span>}</Td>
              <Td className={`text-right tabular-nums ${line.varianceUsd?.startsWith("-") ? "text-emerald-700" : line.varianceUsd ? "text-red-700" : ""}`} data-testid="variance-usd" title={line.varianceUsd ? `$${line.varianceUsd}` : undefined}>
                {line.varianceUsd === null ? "—" : formatUsd(line.varianceUsd)}
              </Td>
              <Td className="text-right tabular-nums" data-testid="variance-percent">
                {line.variancePercent === null ? "—" : `${line.variancePercent}%`}
              </Td>
              <Td className="text-neutral-600">{line.invoice?.invoiceNumber ?? ""}</Td>
              <Td>
                {data && line.requests > 0 ? (
                  <Link href={requestsHref(line.provider, data.from, data.to)} className="text-xs font-medium text-accent-700 hover:underline">
                    Requests
                  </Link>
                ) : null}
              </Td>
            </Tr>
          ))}
        </TableBody>
      </Table>
      {permissions.can("periods:close") ? (
        <form onSubmit={submit} className="flex flex-wrap items-end gap-3 rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs" aria-label="Enter an invoice">
          <TextField label="Provider" value={provider} onChange={(event) => setProvider(event.target.value)} placeholder="openai" list="invoice-providers" className="w-44" required />
          <datalist id="invoice-providers">
            {data?.lines.map((line) => <option key={line.provider} value={line.provider} />)}
          </datalist>
          <TextField label="Invoice total (USD)" value={total} onChange={(event) => setTotal(event.target.value)} placeholder="1234.56" inputMode="decimal" className="w-44" required />
          <TextField label="Invoice number (optional)" value={invoiceNumber} onChange={(event) => setInvoiceNumber(event.target.value)} className="w-48" />
          <Button type="submit" variant="primary" isPending={record.isPending} disabled={!isMonth}>
            Save invoice for {month}
          </Button>
          <ErrorBanner error={record.error} title="Could not save the invoice" className="w-full" />
        </form>
      ) : null}
    </div>
  );
}
