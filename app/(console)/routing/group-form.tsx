"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { errorMessage } from "@/app/_components/error-message";
import { CheckboxField, SelectField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import type { GroupDefinition, RoutingStrategy } from "@/db/schema/model-group-definition";
import { ContextCacheFields, readContextCache, toContextCacheValues, type ContextCacheValues } from "./context-cache-fields";
import { strategyHints, strategyLabels } from "./strategy-labels";

export interface GroupFormValues {
  id: string;
  version: number;
  name: string;
  description: string | null;
  enabled: boolean;
  definition: GroupDefinition;
}

interface DeploymentRow {
  id: string;
  model: string;
  weight: string;
  priority: string;
  maxTokens: string;
}

const toRow = (deployment: GroupDefinition["deployments"][number]): DeploymentRow => ({
  id: deployment.id,
  model: deployment.model,
  weight: String(deployment.weight),
  priority: String(deployment.priority),
  maxTokens: deployment.overrides.max_tokens?.toString() ?? "",
});
const toNumber = (value: string, fallback: number) => (value.trim() === "" ? fallback : Number(value));

type TimeoutField = keyof GroupDefinition["timeouts"];
/** The group's per-attempt timeouts, in the order an attempt meets them; empty: the gateway-wide UPSTREAM_*_TIMEOUT_MS. */
const timeoutFields: { field: TimeoutField; label: string; hint: string }[] = [
  { field: "connect_ms", label: "Connect (ms)", hint: "TCP and TLS to the provider" },
  { field: "first_token_ms", label: "First token (ms)", hint: "send + first streamed event, or the whole non-stream answer" },
  { field: "idle_ms", label: "Idle (ms)", hint: "longest silence between chunks" },
  { field: "total_ms", label: "Total per attempt (ms)", hint: "the whole attempt, a served stream included" },
];
const toTimeoutTexts = (timeouts: GroupDefinition["timeouts"]) => Object.fromEntries(timeoutFields.map(({ field }) => [field, timeouts[field]?.toString() ?? ""])) as Record<TimeoutField, string>;
const toTimeouts = (texts: Record<TimeoutField, string>): GroupDefinition["timeouts"] => Object.fromEntries(timeoutFields.flatMap(({ field }) => (texts[field].trim() === "" ? [] : [[field, Number(texts[field])]])));

/** Creates a group, or saves a new version of one (fields the form does not show keep their values). */
export function GroupForm({ current, onDone }: { current?: GroupFormValues; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const models = useQuery(trpc.models.list.queryOptions());
  const [name, setName] = useState(current?.name ?? "");
  const [description, setDescription] = useState(current?.description ?? "");
  const [enabled, setEnabled] = useState(current?.enabled ?? true);
  const [strategy, setStrategy] = useState<RoutingStrategy>(current?.definition.strategy ?? "weighted");
  const [rows, setRows] = useState<DeploymentRow[]>(current?.definition.deployments.map(toRow) ?? [{ id: "primary", model: "", weight: "1", priority: "0", maxTokens: "" }]);
  const [fallbacks, setFallbacks] = useState(current?.definition.fallbacks.join(", ") ?? "");
  const [maxAttempts, setMaxAttempts] = useState(String(current?.definition.retry.max_attempts ?? 3));
  const [contentFilter, setContentFilter] = useState(current?.definition.fallback_on.content_filter ?? false);
  const [timeouts, setTimeouts] = useState<Record<TimeoutField, string>>(() => toTimeoutTexts(current?.definition.timeouts ?? {}));
  const [contextCache, setContextCache] = useState<ContextCacheValues>(() => toContextCacheValues(current?.definition));
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const onSuccess = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.groups.pathKey() });
    onDone();
  };
  const create = useMutation(trpc.groups.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.groups.update.mutationOptions({ onSuccess }));
  const error = create.error ?? update.error;

  function submit(event: FormEvent) {
    event.preventDefault();
    const checked = readContextCache(contextCache, current?.definition);
    setLocalErrors(checked.ok ? {} : checked.errors);
    if (!checked.ok) return;
    const deployments = rows.map((row) => ({
      id: row.id.trim(),
      model: row.model,
      weight: toNumber(row.weight, 1),
      priority: toNumber(row.priority, 0),
      overrides: row.maxTokens.trim() ? { max_tokens: Number(row.maxTokens) } : {},
    }));
    const definition = {
      strategy,
      deployments,
      fallbacks: fallbacks.split(",").map((entry) => entry.trim()).filter(Boolean),
      retry: { ...(current?.definition.retry ?? {}), max_attempts: toNumber(maxAttempts, 3) },
      fallback_on: { content_filter: contentFilter },
      timeouts: toTimeouts(timeouts),
      ...checked.value,
    };
    if (current) update.mutate({ id: current.id, patch: { ...definition, description: description.trim() || null, enabled } });
    else create.mutate({ name: name.trim(), description: description.trim() || null, enabled, ...definition });
  }
  const setRow = (index: number, patch: Partial<DeploymentRow>) => setRows(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  const field = error?.data?.field;
  const fieldError = (prefix: string) => localErrors[prefix] ?? (field && (field === prefix || field.startsWith(`${prefix}.`)) ? errorMessage(error) : undefined);

  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Model group">
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Name (the model callers ask for)" value={name} onChange={(event) => setName(event.target.value)} disabled={current !== undefined} error={fieldError("name")} />
        <SelectField label="Strategy" value={strategy} onChange={(event) => setStrategy(event.target.value as RoutingStrategy)} hint={strategyHints[strategy]}>
          {Object.entries(strategyLabels).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
      </div>
      <TextField label="Description" value={description} onChange={(event) => setDescription(event.target.value)} />
      <fieldset className="space-y-2">
        <legend className="text-xs font-semibold text-neutral-600">Deployments</legend>
        {rows.map((row, index) => (
          <div key={index} className="grid grid-cols-[1fr_1.4fr_0.6fr_0.6fr_0.8fr_auto] items-end gap-2" data-testid="deployment-row">
            <TextField label="Id" value={row.id} onChange={(event) => setRow(index, { id: event.target.value })} error={fieldError(`deployments.${index}.id`)} />
            <SelectField label="Model" value={row.model} onChange={(event) => setRow(index, { model: event.target.value })} error={fieldError(`deployments.${index}.model`)}>
              <option value="">Choose a model…</option>
              {models.data?.map((model) => (
                <option key={model.id} value={model.name}>
                  {model.name}
                </option>
              ))}
            </SelectField>
            <TextField label="Weight" inputMode="numeric" value={row.weight} onChange={(event) => setRow(index, { weight: event.target.value })} />
            <TextField label="Priority" inputMode="numeric" value={row.priority} onChange={(event) => setRow(index, { priority: event.target.value })} />
            <TextField label="max_tokens" inputMode="numeric" value={row.maxTokens} placeholder="caller's" onChange={(event) => setRow(index, { maxTokens: event.target.value })} />
            <Button size="sm" onClick={() => setRows(rows.filter((_, at) => at !== index))} disabled={rows.length === 1} aria-label={`Remove deployment ${index + 1}`}>
              Remove
            </Button>
          </div>
        ))}
        <Button size="sm" onClick={() => setRows([...rows, { id: `d${rows.length + 1}`, model: "", weight: "1", priority: String(rows.length), maxTokens: "" }])}>
          Add deployment
        </Button>
      </fieldset>
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Fallbacks, in order" value={fallbacks} onChange={(event) => setFallbacks(event.target.value)} hint="Other groups or models, comma-separated: tried after every deployment here." error={fieldError("fallbacks")} />
        <TextField label="Attempts in all" inputMode="numeric" value={maxAttempts} onChange={(event) => setMaxAttempts(event.target.value)} hint="Retries and fallbacks included; retries also stay within 20 % of the group's requests." />
      </div>
      <fieldset className="space-y-2">
        <legend className="text-xs font-semibold text-neutral-600">Timeouts per attempt (empty: the gateway&apos;s)</legend>
        <div className="grid grid-cols-4 gap-3">
          {timeoutFields.map(({ field: name, label, hint }) => (
            <TextField key={name} label={label} inputMode="numeric" value={timeouts[name]} placeholder="gateway's" hint={hint} onChange={(event) => setTimeouts({ ...timeouts, [name]: event.target.value })} error={fieldError(`timeouts.${name}`)} />
          ))}
        </div>
      </fieldset>
      <ContextCacheFields values={contextCache} onChange={(patch) => setContextCache({ ...contextCache, ...patch })} modelNames={models.data?.map((model) => model.name) ?? []} fieldError={fieldError} />
      <CheckboxField label="Fall back when the provider's content filter refuses" checked={contentFilter} onChange={(event) => setContentFilter(event.target.checked)} />
      <CheckboxField label="Enabled" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} />
      {field && (field === "name" || field.startsWith("deployments.") || field.startsWith("fallbacks") || field.startsWith("timeouts.") || field.startsWith("context.") || field.startsWith("prompt_cache.") || field.startsWith("response_cache.")) ? null : <ErrorBanner error={error} title="Could not save the group" />}
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={create.isPending || update.isPending}>
          {current ? "Save new version" : "Create group"}
        </Button>
      </div>
    </form>
  );
}
