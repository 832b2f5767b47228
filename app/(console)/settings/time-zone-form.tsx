"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { SelectField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";

const zones: string[] = ["UTC", ...Intl.supportedValuesOf("timeZone").filter((zone) => zone !== "UTC")];

/** The org's time zone: report periods ("this month", "last month") and month boundaries follow it. */
export function TimeZoneForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.orgSettings.get.queryOptions());
  const [choice, setChoice] = useState<string | null>(null);
  const update = useMutation(
    trpc.orgSettings.update.mutationOptions({
      onSuccess: async () => {
        setChoice(null);
        await queryClient.invalidateQueries({ queryKey: trpc.orgSettings.get.queryKey() });
      },
    }),
  );
  const current = settings.data?.timeZone;
  const value = choice ?? current ?? "UTC";

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate({ time_zone: value });
  }

  return (
    <section className="rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs" aria-label="Organization time zone">
      <h2 className="text-sm font-semibold text-neutral-900">Time zone</h2>
      <p className="mt-0.5 mb-3 text-xs text-neutral-500">Reports and period closes use the org&apos;s calendar months in this zone (daylight saving included).</p>
      <form onSubmit={submit} className="flex items-end gap-2">
        <SelectField label="Organization time zone" value={value} onChange={(event) => setChoice(event.target.value)} className="w-64" data-testid="time-zone">
          {(current && !zones.includes(current) ? [current, ...zones] : zones).map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </SelectField>
        <Button type="submit" variant="primary" isPending={update.isPending} disabled={value === current}>
          Save
        </Button>
      </form>
      <ErrorBanner error={update.error ?? settings.error} title="Could not save the time zone" className="mt-2" />
    </section>
  );
}
