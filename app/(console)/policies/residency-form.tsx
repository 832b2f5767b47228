"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { splitList } from "./describe-rule";

/** Org-level residency: e.g. "EU data stays in the EU" = regions "eu" (for every caller, or callers in "eu"). */
export function ResidencyForm({ current, canWrite }: { current: { regions: string[] | null; caller_regions: string[] | null }; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [regions, setRegions] = useState(current.regions?.join(", ") ?? "");
  const [callerRegions, setCallerRegions] = useState(current.caller_regions?.join(", ") ?? "");
  const save = useMutation(trpc.policies.setResidency.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.policies.pathKey() }) }));

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate({ regions: splitList(regions) ?? null, caller_regions: splitList(callerRegions) ?? null });
  }

  return (
    <form onSubmit={submit} aria-label="Data residency" className="mb-6 rounded-lg border border-neutral-200 bg-white p-4">
      <h2 className="text-sm font-semibold">
        Data residency{" "}
        <span className="ml-1 text-xs font-normal text-neutral-500" data-testid="residency-status">
          {current.regions ? `In force: ${current.regions.join(", ")}${current.caller_regions ? ` for callers in ${current.caller_regions.join(", ")}` : " for every caller"}` : "Off"}
        </span>
      </h2>
      <p className="mb-3 text-xs text-neutral-500">
        With regions set, requests may reach only models labelled with one of them (set a model&apos;s region on the Models page), and <code>/v1/models</code> lists only those. Checked after the rules, on the model
        a reroute chose.
      </p>
      <div className="grid grid-cols-[1fr_1fr_auto] items-end gap-3">
        <TextField label="Allowed model regions" value={regions} onChange={(event) => setRegions(event.target.value)} placeholder="eu" disabled={!canWrite} />
        <TextField label="For callers in (empty: every caller)" value={callerRegions} onChange={(event) => setCallerRegions(event.target.value)} placeholder="eu" disabled={!canWrite} />
        {canWrite ? (
          <Button type="submit" isPending={save.isPending}>
            Save residency
          </Button>
        ) : null}
      </div>
      {save.isSuccess ? <p className="text-xs text-emerald-700">Saved. Gateways apply it within a second or two.</p> : null}
      <ErrorBanner error={save.error} title="Could not save residency" />
    </form>
  );
}
