"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { SelectField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";

type Mode = "off" | "org" | "key";
const modes: { value: Mode; label: string }[] = [
  { value: "off", label: "Off" },
  { value: "org", label: "On, shared by the org's keys" },
  { value: "key", label: "On, per key" },
];

/** The org's response cache default (README "Response cache"); a key's own setting wins over it. */
export function ResponseCacheForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.orgSettings.cache.queryOptions());
  const [mode, setMode] = useState<Mode | null>(null);
  const [ttl, setTtl] = useState<string | null>(null);
  const [semanticModel, setSemanticModel] = useState<string | null>(null);
  const [threshold, setThreshold] = useState<string | null>(null);
  const models = useQuery(trpc.models.list.queryOptions());
  const update = useMutation(
    trpc.orgSettings.setCache.mutationOptions({
      onSuccess: async () => {
        setMode(null);
        setTtl(null);
        setSemanticModel(null);
        setThreshold(null);
        await queryClient.invalidateQueries({ queryKey: trpc.orgSettings.cache.queryKey() });
      },
    }),
  );
  const currentMode = mode ?? settings.data?.mode ?? "off";
  const currentTtl = ttl ?? String(settings.data?.ttl_seconds ?? 3600);
  const currentSemanticModel = semanticModel ?? settings.data?.semantic?.model ?? "";
  const currentThreshold = threshold ?? String(settings.data?.semantic?.threshold ?? 0.95);
  const isChanged = mode !== null || ttl !== null || semanticModel !== null || threshold !== null;

  function submit(event: FormEvent) {
    event.preventDefault();
    const semantic = currentSemanticModel ? { model: currentSemanticModel, threshold: Number(currentThreshold) } : null;
    update.mutate({ mode: currentMode, ttl_seconds: Number(currentTtl), semantic });
  }

  return (
    <section className="rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs" aria-label="Response cache">
      <h2 className="text-sm font-semibold text-neutral-900">Response cache</h2>
      <p className="mt-0.5 mb-3 text-xs text-neutral-500">Identical requests are answered from the cache at no upstream cost; never shared with another organization.</p>
      <form onSubmit={submit} className="flex flex-wrap items-end gap-2">
        <SelectField label="Default for keys" value={currentMode} onChange={(event) => setMode(event.target.value as Mode)} className="w-64" data-testid="cache-mode">
          {modes.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </SelectField>
        <TextField label="TTL (seconds)" type="number" min={1} max={2_592_000} value={currentTtl} onChange={(event) => setTtl(event.target.value)} className="w-36" data-testid="cache-ttl" />
        <SelectField label="Semantic cache (embeddings model)" value={currentSemanticModel} onChange={(event) => setSemanticModel(event.target.value)} className="w-64" data-testid="cache-semantic-model">
          <option value="">Off: exact matches only</option>
          {models.data?.map((model) => (
            <option key={model.id} value={model.name}>
              {model.name}
            </option>
          ))}
        </SelectField>
        {currentSemanticModel ? (
          <TextField label="Similarity threshold" type="number" min={0.5} max={1} step={0.005} value={currentThreshold} onChange={(event) => setThreshold(event.target.value)} className="w-36" data-testid="cache-semantic-threshold" />
        ) : null}
        <Button type="submit" variant="primary" isPending={update.isPending} disabled={!isChanged}>
          Save
        </Button>
      </form>
      <ErrorBanner error={update.error ?? settings.error} title="Could not save the response cache settings" className="mt-2" />
    </section>
  );
}
