"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge } from "@/app/_components/badge";
import { Button } from "@/app/_components/button";
import { Dialog } from "@/app/_components/dialog";
import { ErrorBanner } from "@/app/_components/error-banner";
import { formatDate, formatInteger, formatPrice } from "@/app/_components/format";
import { Switch } from "@/app/_components/switch";
import { Table, TableBody, TableHead, TableMessage, Td, Th, Tr } from "@/app/_components/table";
import { useTRPC } from "@/app/_trpc/client";
import type { RouterOutputs } from "@/app/_trpc/types";
import { EditPriceForm } from "./edit-price-form";
import { OrgPriceForm } from "./org-price-form";
import { ModelRegionCell } from "./model-region-cell";

type Model = RouterOutputs["models"]["list"][number];

/** canWrite: enable/disable and edit models; canEditPrices: add price rows (finance may, without canWrite). */
export function ModelsTable({ canWrite, canEditPrices }: { canWrite: boolean; canEditPrices: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const models = useQuery(trpc.models.list.queryOptions());
  const toggle = useMutation(trpc.models.update.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.models.list.queryKey() }) }));
  const [editing, setEditing] = useState<Model | null>(null);
  const columns = canEditPrices ? 13 : 12;

  return (
    <div className="space-y-3">
      <ErrorBanner error={models.error} title="Could not load models" />
      <ErrorBanner error={toggle.error} title="Could not change the model" />
      <Table aria-label="Model catalog">
        <TableHead>
          <Th>Name</Th>
          <Th>Connection</Th>
          <Th>Upstream model</Th>
          <Th>Region</Th>
          <Th className="text-right">Context</Th>
          <Th className="text-right">Max out</Th>
          <Th className="text-right" title="USD per 1M input tokens">Input</Th>
          <Th className="text-right">Output</Th>
          <Th className="text-right">Cached</Th>
          <Th className="text-right">Cache write</Th>
          <Th>Price since</Th>
          <Th>Enabled</Th>
          {canEditPrices ? <Th className="text-right">Actions</Th> : null}
        </TableHead>
        <TableBody>
          {models.isLoading ? <TableMessage colSpan={columns}>Loading…</TableMessage> : null}
          {models.data?.length === 0 ? <TableMessage colSpan={columns}>No models yet. Add a provider, then add the models it serves.</TableMessage> : null}
          {models.data?.map((model) => (
            <Tr key={model.id} data-testid="model-row">
              <Td className="font-medium whitespace-nowrap">{model.name}</Td>
              <Td className="whitespace-nowrap" title={`${model.connectionName} (${model.connectionKind})`}>
                {model.connectionName}
              </Td>
              <Td className="font-mono text-xs whitespace-nowrap text-neutral-600">{model.upstreamModel}</Td>
              <Td className="whitespace-nowrap">
                <ModelRegionCell id={model.id} name={model.name} region={model.region} canWrite={canWrite} />
              </Td>
              <Td className="tabular text-right text-neutral-600">{formatInteger(model.contextWindow)}</Td>
              <Td className="tabular text-right text-neutral-600">{formatInteger(model.maxOutputTokens)}</Td>
              <Td className="tabular text-right">{formatPrice(model.price?.inputPerMtok)}</Td>
              <Td className="tabular text-right">{formatPrice(model.price?.outputPerMtok)}</Td>
              <Td className="tabular text-right text-neutral-600">{formatPrice(model.price?.cachedInputPerMtok)}</Td>
              <Td className="tabular text-right text-neutral-600">{formatPrice(model.price?.cacheWritePerMtok)}</Td>
              <Td className="whitespace-nowrap text-neutral-600">{model.price ? (model.price.effectiveFrom.getTime() === 0 ? "initial" : formatDate(model.price.effectiveFrom)) : <Badge tone="amber">no price</Badge>}</Td>
              <Td>
                {canWrite ? (
                  <Switch
                    isOn={model.enabled}
                    label={`${model.name} enabled`}
                    isPending={toggle.isPending && toggle.variables?.id === model.id}
                    onToggle={() => toggle.mutate({ id: model.id, patch: { enabled: !model.enabled } })}
                  />
                ) : model.enabled ? (
                  <Badge tone="green">enabled</Badge>
                ) : (
                  <Badge>disabled</Badge>
                )}
              </Td>
              {canEditPrices ? (
                <Td className="text-right">
                  <Button size="sm" onClick={() => setEditing(model)} aria-label={`Edit prices of ${model.name}`}>
                    Edit prices
                  </Button>
                </Td>
              ) : null}
            </Tr>
          ))}
        </TableBody>
      </Table>
      <p className="text-xs text-neutral-500">Prices are USD per 1M tokens, in force now. Changing a price adds a new effective-dated row; past requests keep the price they were billed at.</p>
      <Dialog title={editing ? `Prices for ${editing.name}` : "Edit prices"} isOpen={editing !== null} onClose={() => setEditing(null)} size="lg">
        {editing ? <EditPriceForm key={editing.id} model={editing} onDone={() => setEditing(null)} /> : null}
        {editing ? <OrgPriceForm key={`org-${editing.id}`} modelId={editing.id} /> : null}
      </Dialog>
    </div>
  );
}
