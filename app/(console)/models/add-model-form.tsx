"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { SelectField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { emptyPrice, PriceFields, toPriceInput, validatePrice, type PriceErrors } from "./price-fields";

const NAME = /^[A-Za-z0-9._:/@-]+$/;

function parseOptionalInt(value: string): number | null | "invalid" {
  if (!value.trim()) return null;
  return /^\d+$/.test(value.trim()) && Number(value) > 0 ? Number(value) : "invalid";
}

export function AddModelForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const connections = useQuery(trpc.providers.list.queryOptions());
  const [form, setForm] = useState({ name: "", connectionId: "", upstreamModel: "", contextWindow: "", maxOutput: "", region: "" });
  const [price, setPrice] = useState(emptyPrice);
  const [errors, setErrors] = useState<Partial<Record<keyof typeof form, string>>>({});
  const [priceErrors, setPriceErrors] = useState<PriceErrors>({});
  const create = useMutation(
    trpc.models.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.models.list.queryKey() });
        onDone();
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const next: typeof errors = {};
    if (!NAME.test(form.name.trim())) next.name = form.name.trim() ? "Use letters, digits and . _ : / @ - only." : "Name is required.";
    if (!form.connectionId) next.connectionId = "Pick a connection.";
    if (!form.upstreamModel.trim()) next.upstreamModel = "The provider's model id is required.";
    const contextWindow = parseOptionalInt(form.contextWindow);
    const maxOutput = parseOptionalInt(form.maxOutput);
    if (contextWindow === "invalid") next.contextWindow = "A whole number of tokens.";
    if (maxOutput === "invalid") next.maxOutput = "A whole number of tokens.";
    const nextPriceErrors = validatePrice(price);
    setErrors(next);
    setPriceErrors(nextPriceErrors);
    if (Object.keys(next).length > 0 || Object.keys(nextPriceErrors).length > 0 || contextWindow === "invalid" || maxOutput === "invalid") return;
    create.mutate({
      name: form.name.trim(),
      connection_id: form.connectionId,
      upstream_model: form.upstreamModel.trim(),
      context_window: contextWindow,
      max_output_tokens: maxOutput,
      region: form.region.trim() || null,
      price: toPriceInput(price),
    });
  }

  const set = (field: keyof typeof form) => (event: { target: { value: string } }) => setForm((current) => ({ ...current, [field]: event.target.value }));
  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Add model">
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Name" value={form.name} onChange={set("name")} error={errors.name} hint="What clients send as `model`." placeholder="e.g. fast-chat" />
        <SelectField label="Connection" value={form.connectionId} onChange={set("connectionId")} error={errors.connectionId}>
          <option value="">Choose…</option>
          {connections.data?.map((connection) => (
            <option key={connection.id} value={connection.id}>
              {connection.name} ({connection.kind})
            </option>
          ))}
        </SelectField>
        <TextField label="Upstream model" value={form.upstreamModel} onChange={set("upstreamModel")} error={errors.upstreamModel} placeholder="e.g. gpt-4o-mini" />
        <div className="grid grid-cols-2 gap-3">
          <TextField label="Context window" inputMode="numeric" value={form.contextWindow} onChange={set("contextWindow")} error={errors.contextWindow} placeholder="optional" />
          <TextField label="Max output" inputMode="numeric" value={form.maxOutput} onChange={set("maxOutput")} error={errors.maxOutput} placeholder="optional" />
        </div>
        <TextField label="Region" value={form.region} onChange={set("region")} placeholder="e.g. eu-west-1" hint="Where the model runs: policy rules and data residency match it." />
      </div>
      <fieldset className="space-y-2">
        <legend className="text-xs font-semibold text-neutral-700">Prices (USD per 1M tokens)</legend>
        <PriceFields value={price} errors={priceErrors} onChange={setPrice} />
      </fieldset>
      <ErrorBanner error={create.error} title="Could not add the model" />
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Add model
        </Button>
      </div>
    </form>
  );
}
