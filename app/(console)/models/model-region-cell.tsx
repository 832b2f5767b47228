"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { errorMessage } from "@/app/_components/error-message";
import { useTRPC } from "@/app/_trpc/client";

/** A model's region label (policy rules and data residency match it), editable in place. */
export function ModelRegionCell({ id, name, region, canWrite }: { id: string; name: string; region: string | null; canWrite: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<string | null>(null);
  const save = useMutation(
    trpc.models.update.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.models.list.queryKey() });
        setDraft(null);
      },
    }),
  );
  if (draft === null) {
    return (
      <span className="inline-flex items-center gap-1.5">
        <span className={region ? "font-mono text-xs" : "text-neutral-400"}>{region ?? "—"}</span>
        {canWrite ? (
          <Button size="sm" aria-label={`Edit region of ${name}`} onClick={() => setDraft(region ?? "")}>
            Edit
          </Button>
        ) : null}
      </span>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ id, patch: { region: draft.trim() || null } });
  };
  return (
    <form onSubmit={submit} className="inline-flex items-center gap-1" aria-label={`Region of ${name}`}>
      <input aria-label={`Region of ${name}`} value={draft} onChange={(event) => setDraft(event.target.value)} placeholder="eu-west-1" className="h-7 w-28 rounded border border-neutral-300 px-1.5 font-mono text-xs" autoFocus />
      <Button size="sm" type="submit" variant="primary" isPending={save.isPending}>
        Save
      </Button>
      <Button size="sm" onClick={() => setDraft(null)}>
        Cancel
      </Button>
      {save.error ? <span className="text-xs text-red-600">{errorMessage(save.error)}</span> : null}
    </form>
  );
}
