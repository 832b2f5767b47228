"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { SelectField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { fieldError, isValidUrl, providerErrorField } from "./provider-error";

export function AddProviderForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const kinds = useQuery(trpc.providers.kinds.queryOptions());
  const [kind, setKind] = useState("");
  const [form, setForm] = useState({ name: "", baseUrl: "", apiKey: "", region: "" });
  const [errors, setErrors] = useState<{ kind?: string; name?: string; baseUrl?: string }>({});
  const create = useMutation(
    trpc.providers.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.providers.list.queryKey() });
        onDone();
      },
    }),
  );
  const defaultUrl = (value: string) => kinds.data?.find((item) => item.kind === value)?.defaultBaseUrl ?? "";

  function chooseKind(next: string) {
    // Prefill the base URL unless the admin typed their own.
    const isDefault = form.baseUrl === "" || form.baseUrl === defaultUrl(kind);
    setKind(next);
    setForm((current) => ({ ...current, baseUrl: isDefault ? defaultUrl(next) : current.baseUrl, name: current.name || next }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const next: typeof errors = {};
    if (!kind) next.kind = "Pick a provider kind.";
    if (!form.name.trim()) next.name = "Give the connection a name.";
    if (!isValidUrl(form.baseUrl.trim())) next.baseUrl = "Enter an http(s) URL, e.g. https://api.openai.com/v1";
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    create.mutate({ kind, name: form.name.trim(), base_url: form.baseUrl.trim(), api_key: form.apiKey.trim() || undefined, region: form.region.trim() || null });
  }

  const set = (field: keyof typeof form) => (event: { target: { value: string } }) => setForm((current) => ({ ...current, [field]: event.target.value }));
  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Add provider">
      <SelectField label="Kind" value={kind} onChange={(event) => chooseKind(event.target.value)} error={errors.kind}>
        <option value="">Choose…</option>
        {kinds.data?.map((item) => (
          <option key={item.kind} value={item.kind}>
            {item.kind}
          </option>
        ))}
      </SelectField>
      <TextField label="Name" value={form.name} onChange={set("name")} error={errors.name ?? fieldError(create.error, "name")} maxLength={100} placeholder="e.g. openai-prod" />
      <TextField label="Base URL" value={form.baseUrl} onChange={set("baseUrl")} error={errors.baseUrl ?? fieldError(create.error, "base_url")} placeholder="https://api.openai.com/v1" />
      <TextField label="API key" type="password" autoComplete="off" value={form.apiKey} onChange={set("apiKey")} hint="Write-only: stored encrypted, never shown again. Leave empty for keyless local servers." />
      <TextField label="Region (optional)" value={form.region} onChange={set("region")} placeholder="e.g. eu" maxLength={64} />
      {!providerErrorField(create.error) ? <ErrorBanner error={create.error} title="Could not add the provider" /> : null}
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Add provider
        </Button>
      </div>
    </form>
  );
}
