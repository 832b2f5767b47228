"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import type { RouterOutputs } from "@/app/_trpc/types";
import { PriceFields, toPriceInput, validatePrice, type PriceErrors, type PriceForm } from "./price-fields";
import { PriceHistory } from "./price-history";

type Model = RouterOutputs["models"]["list"][number];

function trimDecimal(value: string | null | undefined): string {
  return value ? value.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "") : "";
}

/** Adds a new effective-dated price row; earlier rows stay, so past requests keep the price they were billed at. */
export function EditPriceForm({ model, onDone }: { model: Model; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = model.price;
  const [price, setPrice] = useState<PriceForm>({
    input: trimDecimal(current?.inputPerMtok),
    output: trimDecimal(current?.outputPerMtok),
    cachedInput: trimDecimal(current?.cachedInputPerMtok),
    cacheWrite: trimDecimal(current?.cacheWritePerMtok),
    cacheWrite1h: trimDecimal(current?.cacheWrite1hPerMtok),
  });
  const [effectiveFrom, setEffectiveFrom] = useState("");
  const [errors, setErrors] = useState<PriceErrors>({});
  const [dateError, setDateError] = useState<string>();
  const update = useMutation(
    trpc.models.update.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.models.list.queryKey() });
        onDone();
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const nextErrors = validatePrice(price);
    const effective = effectiveFrom ? new Date(effectiveFrom) : null;
    const nextDateError = effective && Number.isNaN(effective.getTime()) ? "Enter a valid date and time." : undefined;
    setErrors(nextErrors);
    setDateError(nextDateError);
    if (Object.keys(nextErrors).length > 0 || nextDateError) return;
    update.mutate({ id: model.id, patch: { price: { ...toPriceInput(price), ...(effective ? { effective_from: effective.toISOString() } : {}) } } });
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Edit prices">
      <PriceFields value={price} errors={errors} onChange={setPrice} />
      <TextField
        label="Effective from"
        type="datetime-local"
        value={effectiveFrom}
        onChange={(event) => setEffectiveFrom(event.target.value)}
        error={dateError}
        hint="Leave empty to apply from now. A future time schedules the change."
        className="max-w-64"
      />
      <ErrorBanner error={update.error} title="Could not save the price" />
      <PriceHistory prices={model.prices} currentId={current?.id ?? null} />
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={update.isPending}>
          Save new price
        </Button>
      </div>
    </form>
  );
}
