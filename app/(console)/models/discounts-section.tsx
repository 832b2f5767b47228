"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { SelectField, TextField } from "@/app/_components/field";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";

/** Discounts in percent per provider, effective-dated: every request to that provider is charged less that much. */
export function DiscountsSection({ canEdit }: { canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const discounts = useQuery(trpc.models.discounts.queryOptions());
  const kinds = useQuery(trpc.providers.kinds.queryOptions());
  const [provider, setProvider] = useState("");
  const [percent, setPercent] = useState("");
  const [effectiveFrom, setEffectiveFrom] = useState("");
  const [percentError, setPercentError] = useState<string>();
  const save = useMutation(
    trpc.models.setDiscount.mutationOptions({
      onSuccess: async () => {
        setPercent("");
        await queryClient.invalidateQueries({ queryKey: trpc.models.discounts.queryKey() });
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const isValid = /^\d{1,3}(\.\d{1,4})?$/.test(percent.trim()) && Number(percent) <= 100;
    setPercentError(isValid ? undefined : "A percentage from 0 to 100, at most 4 decimals.");
    if (!isValid || !provider) return;
    const effective = effectiveFrom && !Number.isNaN(new Date(effectiveFrom).getTime()) ? { effective_from: new Date(effectiveFrom).toISOString() } : {};
    save.mutate({ provider, percent: percent.trim(), ...effective });
  }

  const rows = discounts.data?.current ?? [];
  return (
    <section className="space-y-3" aria-label="Discounts">
      <div>
        <h2 className="text-base font-semibold text-neutral-900">Discounts</h2>
        <p className="text-xs text-neutral-500">A percentage off everything spent with a provider, from its effective date. Reports show list cost (catalog prices) beside the effective cost.</p>
      </div>
      <Table>
        <TableHead>
          <Th>Provider</Th>
          <Th className="text-right">Discount</Th>
          <Th>Since</Th>
        </TableHead>
        <TableBody>
          {rows.length === 0 ? (
            <TableMessage colSpan={3}>No discounts: requests are charged at the org&apos;s or the catalog price.</TableMessage>
          ) : (
            rows.map((row) => (
              <Tr key={row.provider}>
                <Td>{row.provider}</Td>
                <Td className="text-right tabular-nums">{row.percent.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "")} %</Td>
                <Td>{row.effectiveFrom ? new Date(row.effectiveFrom).toLocaleString() : "not yet in force"}</Td>
              </Tr>
            ))
          )}
        </TableBody>
      </Table>
      {canEdit ? (
        <form onSubmit={submit} className="flex flex-wrap items-end gap-3" noValidate aria-label="Set a discount">
          <SelectField label="Provider" value={provider} onChange={(event) => setProvider(event.target.value)} className="w-48">
            <option value="">Choose…</option>
            {(kinds.data ?? []).map((kind) => (
              <option key={kind.kind} value={kind.kind}>
                {kind.kind}
              </option>
            ))}
          </SelectField>
          <TextField label="Percent off" inputMode="decimal" value={percent} onChange={(event) => setPercent(event.target.value)} error={percentError} className="w-32" />
          <TextField label="Effective from" type="datetime-local" value={effectiveFrom} onChange={(event) => setEffectiveFrom(event.target.value)} className="w-56" />
          <Button type="submit" variant="primary" isPending={save.isPending}>
            Set discount
          </Button>
        </form>
      ) : null}
      <ErrorBanner error={save.error} title="Could not save the discount" />
    </section>
  );
}
