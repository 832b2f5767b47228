"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { errorMessage } from "@/app/_components/error-message";
import { SelectField, TextField } from "@/app/_components/field";
import { ModelPicker } from "@/app/_components/model-picker";
import { useTRPC } from "@/app/_trpc/client";

interface TeamFormProps {
  /** Edit this team; create one otherwise. */
  team?: { id: string; name: string; allowedModels: string[] | null; bodyLogging?: "none" | "metadata" | "full" };
  onDone: () => void;
}

export function TeamForm({ team, onDone }: TeamFormProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const models = useQuery(trpc.models.list.queryOptions());
  const [name, setName] = useState(team?.name ?? "");
  const [selected, setSelected] = useState<string[]>(team?.allowedModels ?? []);
  const [nameError, setNameError] = useState<string>();
  const [bodyLogging, setBodyLogging] = useState<"none" | "metadata" | "full">(team?.bodyLogging ?? "none");
  const onSuccess = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.teams.pathKey() });
    onDone();
  };
  const create = useMutation(trpc.teams.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.teams.update.mutationOptions({ onSuccess }));
  const mutation = team ? update : create;

  function submit(event: FormEvent) {
    event.preventDefault();
    setNameError(name.trim() ? undefined : "Give the team a name.");
    if (!name.trim()) return;
    const values = { name: name.trim(), allowed_models: selected.length > 0 ? selected : null, body_logging: bodyLogging };
    if (team) update.mutate({ id: team.id, patch: values });
    else create.mutate(values);
  }

  const serverField = mutation.error?.data?.field;
  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label={team ? "Edit team" : "Create team"}>
      <TextField label="Name" value={name} onChange={(event) => setName(event.target.value)} error={nameError ?? (serverField === "name" ? errorMessage(mutation.error) : undefined)} placeholder="e.g. search" maxLength={100} autoFocus />
      <ModelPicker
        models={models.data ?? []}
        isLoading={models.isLoading}
        selected={selected}
        onChange={setSelected}
        error={serverField === "allowed_models" ? errorMessage(mutation.error) : undefined}
        emptyHint="None selected: the team's keys may use every model."
      />
      <p className="text-xs text-neutral-500">The list applies to keys created from now on; existing keys keep their own list.</p>
      <SelectField
        label="Store request bodies"
        value={bodyLogging}
        onChange={(event) => setBodyLogging(event.target.value as typeof bodyLogging)}
        hint="Kept beside the ledger for its keys' requests (after policy redaction), shown on each request and used by policy replay; deleted after the retention period."
      >
        <option value="none">No (the ledger only)</option>
        <option value="metadata">Metadata: parameters and the prompt&apos;s shape, no text</option>
        <option value="full">Full: the body as sent and the answer</option>
      </SelectField>
      {serverField !== "name" && serverField !== "allowed_models" ? <ErrorBanner error={mutation.error} title={team ? "Could not save the team" : "Could not create the team"} /> : null}
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={mutation.isPending}>
          {team ? "Save team" : "Create team"}
        </Button>
      </div>
    </form>
  );
}
