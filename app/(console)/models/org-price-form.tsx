"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { PriceFields, emptyPrice, toPriceInput, validatePrice, type PriceErrors, type PriceForm } from "./price-fields";

function trimDecimal(value: string | null | undefined): string {
  return value ? value.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "") : "";
}

/**
 * The org's own (negotiated) price for a model: requests are charged at it, less the provider's discount, while the
 * catalog price above stays the list price. Effective-dated like the catalog price; ending it adds a row too.
 */
export function OrgPriceForm({ modelId }: { modelId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const prices = useQuery(trpc.models.orgPrices.queryOptions({ id: modelId }));
  const [price, setPrice] = useState<PriceForm>(emptyPrice);
  const [effectiveFrom, setEffectiveFrom] = useState("");
  const [errors, setErrors] = useState<PriceErrors>({});
  const save = useMutation(
    trpc.models.setOrgPrice.mutationOptions({
      onSuccess: async () => {
        setPrice(emptyPrice);
        await queryClient.invalidateQueries({ queryKey: trpc.models.orgPrices.queryKey({ id: modelId }) });
      },
    }),
  );
  const effective = () => (effectiveFrom && !Number.isNaN(new Date(effectiveFrom).getTime()) ? { effective_from: new Date(effectiveFrom).toISOString() } : {});

  function submit(event: FormEvent) {
    event.preventDefault();
    const nextErrors = validatePrice(price);
    setErrors(nextErrors);
    if (Object.keys(nextErrors).length > 0) return;
    save.mutate({ id: modelId, price: { ...toPriceInput(price), ...effective() } });
  }

  const current = prices.data?.current;
  return (
    <form onSubmit={submit} className="space-y-4 border-t border-neutral-200 pt-4" noValidate aria-label="Org price">
      <div>
        <h3 className="text-sm font-semibold text-neutral-900">Your org&apos;s price</h3>
        <p className="text-xs text-neutral-500">
          {current
            ? `In force since ${new Date(current.effectiveFrom).toLocaleString()}: input $${trimDecimal(current.inputPerMtok)}, output $${trimDecimal(current.outputPerMtok)} per 1M tokens. Reports show the catalog price as list cost.`
            : "None: requests are charged at the catalog price (less any provider discount)."}
        </p>
      </div>
      <PriceFields value={price} errors={errors} onChange={setPrice} />
      <TextField label="Effective from" type="datetime-local" value={effectiveFrom} onChange={(event) => setEffectiveFrom(event.target.value)} hint="Leave empty to apply from now." className="max-w-64" />
      <ErrorBanner error={save.error} title="Could not save the org price" />
      <div className="flex justify-end gap-2">
        {current ? (
          <Button onClick={() => save.mutate({ id: modelId, price: { clear: true, ...effective() } })} isPending={save.isPending}>
            End org price
          </Button>
        ) : null}
        <Button type="submit" variant="primary" isPending={save.isPending}>
          Save org price
        </Button>
      </div>
    </form>
  );
}
