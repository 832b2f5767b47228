"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { SelectField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { composeConnection, validateConnection, type ConnectionFieldName, type ConnectionFields, type ConnectionForm } from "@/server/providers/connection-fields";
import { ConnectionInputs, type ConnectionErrors } from "./connection-inputs";
import { fieldError, providerErrorField } from "./provider-error";

/** Fields a kind starts with: its default base URL, or the default AWS region. */
function initialFields(form: ConnectionForm): ConnectionFields {
  const names = form.fields.map((field) => field.name);
  if (names.includes("awsRegion")) return { awsRegion: form.fields.find((field) => field.name === "awsRegion")?.placeholder ?? "" };
  if (names.includes("baseUrl")) return { baseUrl: form.defaultBaseUrl };
  return {};
}

export function AddProviderForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const kinds = useQuery(trpc.providers.kinds.queryOptions());
  const [kind, setKind] = useState("");
  const [form, setForm] = useState({ name: "", region: "" });
  const [fields, setFields] = useState<ConnectionFields>({});
  const [errors, setErrors] = useState<ConnectionErrors & { kind?: string; name?: string }>({});
  const create = useMutation(
    trpc.providers.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.providers.list.queryKey() });
        onDone();
      },
    }),
  );
  const formFor = (value: string) => kinds.data?.find((item) => item.kind === value);
  const current = formFor(kind);

  function chooseKind(next: string) {
    const previous = formFor(kind);
    const nextForm = formFor(next);
    // Keep a base URL the admin typed; replace one that was only the previous kind's default.
    const isDefault = !fields.baseUrl || fields.baseUrl === previous?.defaultBaseUrl;
    const typedBaseUrl = isDefault ? {} : { baseUrl: fields.baseUrl };
    setKind(next);
    setErrors({});
    setFields(nextForm ? { ...initialFields(nextForm), ...(nextForm.fields.some((field) => field.name === "baseUrl") ? typedBaseUrl : {}) } : {});
    // Likewise the name: follow the kind until the admin types one.
    setForm((currentForm) => ({ ...currentForm, name: !currentForm.name || currentForm.name === kind ? next : currentForm.name }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const next: typeof errors = current ? validateConnection(current.kind, fields, { isEdit: false }) : { kind: "Pick a provider kind." };
    if (!form.name.trim()) next.name = "Give the connection a name.";
    setErrors(next);
    if (!current || Object.keys(next).length > 0) return;
    const connection = composeConnection(current.kind, fields);
    create.mutate({ kind: current.kind, name: form.name.trim(), base_url: connection.base_url, api_key: connection.api_key || undefined, region: form.region.trim() || null });
  }

  const setField = (name: ConnectionFieldName, value: string) => setFields((currentFields) => ({ ...currentFields, [name]: value }));
  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Add provider">
      <SelectField label="Kind" value={kind} onChange={(event) => chooseKind(event.target.value)} error={errors.kind}>
        <option value="">Choose…</option>
        {kinds.data?.map((item) => (
          <option key={item.kind} value={item.kind}>
            {item.label}
          </option>
        ))}
      </SelectField>
      <TextField label="Name" value={form.name} onChange={(event) => setForm((currentForm) => ({ ...currentForm, name: event.target.value }))} error={errors.name ?? fieldError(create.error, "name")} maxLength={100} placeholder="e.g. openai-prod" />
      {current ? <ConnectionInputs form={current} values={fields} errors={errors} serverError={create.error} onChange={setField} /> : null}
      <TextField label="Region (optional)" value={form.region} onChange={(event) => setForm((currentForm) => ({ ...currentForm, region: event.target.value }))} placeholder="e.g. eu" maxLength={64} hint="A free-form location tag for this connection, e.g. eu." />
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
