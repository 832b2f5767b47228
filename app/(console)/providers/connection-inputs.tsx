"use client";

import { TextField } from "@/app/_components/field";
import type { ConnectionFieldName, ConnectionFields, ConnectionForm } from "@/server/providers/connection-fields";
import { fieldError } from "./provider-error";

export type ConnectionErrors = Partial<Record<ConnectionFieldName, string>>;

/** Which input shows a server error about the composed `base_url` or `api_key`. */
function serverErrorTarget(form: ConnectionForm, serverField: "base_url" | "api_key"): ConnectionFieldName | undefined {
  const names = form.fields.map((field) => field.name);
  const candidates: ConnectionFieldName[] = serverField === "base_url" ? ["baseUrl", "endpoint", "awsRegion"] : ["apiKey", "accessKeyId"];
  if (form.kind === "bedrock" && serverField === "base_url") return "awsRegion";
  return candidates.find((name) => names.includes(name));
}

interface ConnectionInputsProps {
  form: ConnectionForm;
  values: ConnectionFields;
  errors: ConnectionErrors;
  serverError: unknown;
  onChange: (name: ConnectionFieldName, value: string) => void;
  /** Editing: secrets are write-only and empty keeps the stored credential. */
  storedKeyLast4?: string | null;
  isEdit?: boolean;
}

/** The per-kind connection fields (base URL, endpoint, region, credentials) from the kind's descriptor. */
export function ConnectionInputs({ form, values, errors, serverError, onChange, storedKeyLast4, isEdit = false }: ConnectionInputsProps) {
  const baseUrlTarget = serverErrorTarget(form, "base_url");
  const apiKeyTarget = serverErrorTarget(form, "api_key");
  return (
    <>
      {form.fields.map((field, index) => {
        const isFirstSecret = form.fields.findIndex((candidate) => candidate.isSecret) === index;
        const serverMessage = field.name === baseUrlTarget ? fieldError(serverError, "base_url") : field.name === apiKeyTarget ? fieldError(serverError, "api_key") : undefined;
        const keepHint = storedKeyLast4 ? `Leave empty to keep the current credential (ends in ${storedKeyLast4}).` : "Leave empty to keep the current credential.";
        const hint = field.isSecret && isEdit && isFirstSecret ? keepHint : field.isSecret && !isEdit && isFirstSecret ? (field.hint ?? "Write-only: stored encrypted, never shown again.") : field.hint;
        return (
          <TextField
            key={field.name}
            label={field.label}
            type={field.isSecret ? "password" : "text"}
            autoComplete="off"
            value={values[field.name] ?? ""}
            onChange={(event) => onChange(field.name, event.target.value)}
            placeholder={field.isSecret && isEdit ? "unchanged" : field.placeholder}
            hint={hint}
            error={errors[field.name] ?? serverMessage}
          />
        );
      })}
      {form.key === "none" && !isEdit ? <p className="text-xs text-neutral-500">No API key: local servers are called without one.</p> : null}
    </>
  );
}
