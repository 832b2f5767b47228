"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { errorField, errorMessage } from "@/app/_components/error-message";
import { TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { ModelPicker } from "./model-picker";

interface CreateKeyFormProps {
  onCreated: (created: { name: string; key: string }) => void;
  onCancel: () => void;
}

/** "2030-01-31" → the end of that day in the browser's time zone, as an ISO timestamp. */
function endOfDay(date: string): Date {
  return new Date(`${date}T23:59:59`);
}

export function CreateKeyForm({ onCreated, onCancel }: CreateKeyFormProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const models = useQuery(trpc.models.list.queryOptions());
  const [name, setName] = useState("");
  const [selected, setSelected] = useState<string[]>([]);
  const [expires, setExpires] = useState("");
  const [errors, setErrors] = useState<{ name?: string; expires?: string }>({});
  const create = useMutation(
    trpc.keys.create.mutationOptions({
      onSuccess: async (created) => {
        await queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey() });
        onCreated({ name: created.name, key: created.key });
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const next: typeof errors = {};
    if (!name.trim()) next.name = "Give the key a name.";
    if (expires && endOfDay(expires).getTime() <= Date.now()) next.expires = "Pick a date in the future.";
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    create.mutate({ name: name.trim(), models: selected.length > 0 ? selected : null, expires_at: expires ? endOfDay(expires).toISOString() : null });
  }

  const serverField = errorField(create.error, ["expires_at", "models", "name"]);
  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Create key">
      <TextField label="Name" value={name} onChange={(event) => setName(event.target.value)} error={errors.name ?? (serverField === "name" ? errorMessage(create.error) : undefined)} placeholder="e.g. backend-prod" maxLength={100} autoFocus />
      <ModelPicker models={models.data ?? []} isLoading={models.isLoading} selected={selected} onChange={setSelected} error={serverField === "models" ? errorMessage(create.error) : undefined} />
      <TextField
        label="Expires (optional)"
        type="date"
        value={expires}
        onChange={(event) => setExpires(event.target.value)}
        error={errors.expires ?? (serverField === "expires_at" ? errorMessage(create.error) : undefined)}
        hint="The key stops working at the end of this day. Leave empty for no expiry."
      />
      {!serverField ? <ErrorBanner error={create.error} title="Could not create the key" /> : null}
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Create key
        </Button>
      </div>
    </form>
  );
}
