"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { CheckboxField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import type { RouterInputs, RouterOutputs } from "@/app/_trpc/types";
import { fieldError, isValidUrl, providerErrorField } from "./provider-error";

type Connection = RouterOutputs["providers"]["list"][number];
type Patch = RouterInputs["providers"]["update"]["patch"];

/** Edits a connection. The key field is write-only: empty keeps the stored key, "clear" removes it. */
export function EditProviderForm({ connection, onDone }: { connection: Connection; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState({ name: connection.name, baseUrl: connection.baseUrl, apiKey: "", region: connection.region ?? "", enabled: connection.enabled, clearKey: false });
  const [errors, setErrors] = useState<{ name?: string; baseUrl?: string }>({});
  const update = useMutation(
    trpc.providers.update.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.providers.list.queryKey() });
        onDone();
      },
    }),
  );

  function buildPatch(): Patch {
    const patch: Patch = {};
    if (form.name.trim() !== connection.name) patch.name = form.name.trim();
    if (form.baseUrl.trim() !== connection.baseUrl) patch.base_url = form.baseUrl.trim();
    if ((form.region.trim() || null) !== connection.region) patch.region = form.region.trim() || null;
    if (form.enabled !== connection.enabled) patch.enabled = form.enabled;
    if (form.clearKey) patch.api_key = "";
    else if (form.apiKey.trim()) patch.api_key = form.apiKey.trim();
    return patch;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const next: typeof errors = {};
    if (!form.name.trim()) next.name = "Name is required.";
    if (!isValidUrl(form.baseUrl.trim())) next.baseUrl = "Enter an http(s) URL.";
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    const patch = buildPatch();
    if (Object.keys(patch).length === 0) return onDone();
    update.mutate({ id: connection.id, patch });
  }

  const set = (field: "name" | "baseUrl" | "apiKey" | "region") => (event: { target: { value: string } }) => setForm((current) => ({ ...current, [field]: event.target.value }));
  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Edit provider">
      <p className="text-xs text-neutral-500">
        Kind: <span className="font-medium text-neutral-700">{connection.kind}</span>
        {connection.source === "env" ? " · managed by environment variables until edited here" : null}
      </p>
      <TextField label="Name" value={form.name} onChange={set("name")} error={errors.name ?? fieldError(update.error, "name")} maxLength={100} />
      <TextField label="Base URL" value={form.baseUrl} onChange={set("baseUrl")} error={errors.baseUrl ?? fieldError(update.error, "base_url")} />
      <TextField
        label="Replace API key"
        type="password"
        autoComplete="off"
        value={form.apiKey}
        onChange={set("apiKey")}
        disabled={form.clearKey}
        placeholder={connection.credentialLast4 ? `current key ends in ${connection.credentialLast4}` : "no key stored"}
        hint="Leave empty to keep the current key."
      />
      <CheckboxField label="Clear the stored key (keyless local servers)" checked={form.clearKey} onChange={(event) => setForm((current) => ({ ...current, clearKey: event.target.checked }))} disabled={!connection.credentialLast4} />
      <TextField label="Region (optional)" value={form.region} onChange={set("region")} maxLength={64} />
      <CheckboxField label="Enabled (routes requests to this connection)" checked={form.enabled} onChange={(event) => setForm((current) => ({ ...current, enabled: event.target.checked }))} />
      {!providerErrorField(update.error) ? <ErrorBanner error={update.error} title="Could not save" /> : null}
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={update.isPending}>
          Save
        </Button>
      </div>
    </form>
  );
}
