"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { CheckboxField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import type { RouterInputs, RouterOutputs } from "@/app/_trpc/types";
import { composeConnection, decomposeConnection, validateConnection, type ConnectionFieldName, type ConnectionFields, type ConnectionForm } from "@/server/providers/connection-fields";
import { ConnectionInputs, type ConnectionErrors } from "./connection-inputs";
import { fieldError, providerErrorField } from "./provider-error";

type Connection = RouterOutputs["providers"]["list"][number];
type Patch = RouterInputs["providers"]["update"]["patch"];

/**
 * Edits a connection with its kind's fields, prefilled from the stored base URL. Credentials are write-only:
 * empty keeps the stored one, "clear" removes it.
 */
export function EditProviderForm({ connection, onDone }: { connection: Connection; onDone: () => void }) {
  const trpc = useTRPC();
  const kinds = useQuery(trpc.providers.kinds.queryOptions());
  const form = kinds.data?.find((item) => item.kind === connection.kind);
  if (!form) return <p className="text-sm text-neutral-500">{kinds.isError ? "Could not load the provider kinds." : "Loading…"}</p>;
  return <EditConnectionForm connection={connection} form={form} onDone={onDone} />;
}

function EditConnectionForm({ connection, form, onDone }: { connection: Connection; form: ConnectionForm; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [details, setDetails] = useState({ name: connection.name, region: connection.region ?? "", enabled: connection.enabled, clearKey: false });
  const [fields, setFields] = useState<ConnectionFields>(() => decomposeConnection(form.kind, connection.baseUrl));
  const [errors, setErrors] = useState<ConnectionErrors & { name?: string }>({});
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
    const composed = composeConnection(form.kind, fields);
    if (details.name.trim() !== connection.name) patch.name = details.name.trim();
    if (composed.base_url !== connection.baseUrl) patch.base_url = composed.base_url;
    if ((details.region.trim() || null) !== connection.region) patch.region = details.region.trim() || null;
    if (details.enabled !== connection.enabled) patch.enabled = details.enabled;
    if (details.clearKey) patch.api_key = "";
    else if (composed.api_key) patch.api_key = composed.api_key;
    return patch;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    // Clearing the credential hides the secret inputs, so their leftovers are not checked.
    const next: typeof errors = validateConnection(form.kind, details.clearKey ? withoutSecrets(form, fields) : fields, { isEdit: true });
    if (!details.name.trim()) next.name = "Name is required.";
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    const patch = buildPatch();
    if (Object.keys(patch).length === 0) return onDone();
    update.mutate({ id: connection.id, patch });
  }

  const setField = (name: ConnectionFieldName, value: string) => setFields((current) => ({ ...current, [name]: value }));
  const shownForm = details.clearKey ? { ...form, fields: form.fields.filter((field) => !field.isSecret) } : form;
  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Edit provider">
      <p className="text-xs text-neutral-500">
        Kind: <span className="font-medium text-neutral-700">{form.label}</span>
        {connection.source === "env" ? " · managed by environment variables until edited here" : null}
      </p>
      <TextField label="Name" value={details.name} onChange={(event) => setDetails((current) => ({ ...current, name: event.target.value }))} error={errors.name ?? fieldError(update.error, "name")} maxLength={100} />
      <ConnectionInputs form={shownForm} values={fields} errors={errors} serverError={update.error} onChange={setField} storedKeyLast4={connection.credentialLast4} isEdit />
      {connection.credentialLast4 && form.key !== "required" ? (
        <CheckboxField label="Clear the stored key (keyless local servers)" checked={details.clearKey} onChange={(event) => setDetails((current) => ({ ...current, clearKey: event.target.checked }))} />
      ) : null}
      <TextField label="Region (optional)" value={details.region} onChange={(event) => setDetails((current) => ({ ...current, region: event.target.value }))} maxLength={64} hint="A free-form location tag for this connection, e.g. eu." />
      <CheckboxField label="Enabled (routes requests to this connection)" checked={details.enabled} onChange={(event) => setDetails((current) => ({ ...current, enabled: event.target.checked }))} />
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

function withoutSecrets(form: ConnectionForm, fields: ConnectionFields): ConnectionFields {
  const secretNames = new Set(form.fields.filter((field) => field.isSecret).map((field) => field.name));
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !secretNames.has(name as ConnectionFieldName)));
}
