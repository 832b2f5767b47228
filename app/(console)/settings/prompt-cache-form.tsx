"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { SelectField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";

type PromptCacheDefault = "auto" | "off";

/** Provider prompt caching of catalog models outside a group (README "Provider prompt caching"); a group's own setting wins. */
export function PromptCacheForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.orgSettings.get.queryOptions());
  const [choice, setChoice] = useState<PromptCacheDefault | null>(null);
  const update = useMutation(
    trpc.orgSettings.update.mutationOptions({
      onSuccess: async () => {
        setChoice(null);
        await queryClient.invalidateQueries({ queryKey: trpc.orgSettings.get.queryKey() });
      },
    }),
  );
  const current = settings.data?.promptCacheDefault;
  const value = choice ?? current ?? "auto";

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate({ prompt_cache_default: value });
  }

  return (
    <section className="rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs" aria-label="Provider prompt caching">
      <h2 className="text-sm font-semibold text-neutral-900">Provider prompt caching</h2>
      <p className="mt-0.5 mb-3 text-xs text-neutral-500">For models called by name, outside a model group (each group has its own setting on the Routing page).</p>
      <form onSubmit={submit} className="flex items-end gap-2">
        <SelectField
          label="Models outside a group"
          value={value}
          onChange={(event) => setChoice(event.target.value as PromptCacheDefault)}
          className="w-72"
        >
          <option value="auto">Automatic breakpoints</option>
          <option value="off">Off</option>
        </SelectField>
        <Button type="submit" variant="primary" isPending={update.isPending} disabled={value === current}>
          Save
        </Button>
      </form>
      <p className="mt-1 text-xs text-neutral-500">{value === "auto" ? "Anthropic breakpoints added after long tools and system prompts (5 minutes)." : "Only the breakpoints callers set themselves."}</p>
      <ErrorBanner error={update.error ?? settings.error} title="Could not save the prompt caching default" className="mt-2" />
    </section>
  );
}
