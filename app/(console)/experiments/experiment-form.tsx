"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { errorMessage } from "@/app/_components/error-message";
import { SelectField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { BanditFields, banditInput, ScopeFields, scopeInput, type BanditValue, type ScopeValue } from "./experiment-settings-fields";

interface VariantRow {
  name: string;
  weight: string;
  target: string;
}

const optionalNumber = (text: string, scale = 1) => (text.trim() === "" ? undefined : Number(text) / scale);

/** Creates a draft experiment: the name it splits, the variants (control first), the guardrails, scope and bandit mode. */
export function ExperimentForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const models = useQuery(trpc.models.list.queryOptions());
  const groups = useQuery(trpc.groups.list.queryOptions());
  const names = [...(groups.data ?? []).map((group) => group.name), ...(models.data ?? []).map((model) => model.name)];
  const [name, setName] = useState("");
  const [model, setModel] = useState("");
  const [rows, setRows] = useState<VariantRow[]>([{ name: "control", weight: "50", target: "" }, { name: "b", weight: "50", target: "" }]);
  const [maxErrorRate, setMaxErrorRate] = useState("");
  const [latencyRatio, setLatencyRatio] = useState("");
  const [minRequests, setMinRequests] = useState("30");
  const [scope, setScope] = useState<ScopeValue>({ keyIds: [], teamIds: [] });
  const [bandit, setBandit] = useState<BanditValue>({ reward: "", minShare: "10" });
  const create = useMutation(
    trpc.experiments.create.mutationOptions({
      onSuccess: async (created) => {
        await queryClient.invalidateQueries({ queryKey: trpc.experiments.pathKey() });
        onDone();
        router.push(`/experiments/${created.id}`);
      },
    }),
  );
  const setRow = (index: number, patch: Partial<VariantRow>) => setRows(rows.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  const field = create.error?.data?.field;
  const fieldError = (prefix: string) => (field && (field === prefix || field.startsWith(`${prefix}.`)) ? errorMessage(create.error) : undefined);

  function submit(event: FormEvent) {
    event.preventDefault();
    const guardrails = { max_error_rate: optionalNumber(maxErrorRate, 100), max_p95_latency_ratio: optionalNumber(latencyRatio), min_requests: optionalNumber(minRequests) ?? 30 };
    create.mutate({ name: name.trim(), model, variants: rows.map((row) => ({ name: row.name.trim(), weight: Number(row.weight), target: row.target })), guardrails, scope: scopeInput(scope), bandit: banditInput(bandit) });
  }
  const choose = (label: string, value: string, onChange: (value: string) => void, error?: string) => (
    <SelectField label={label} value={value} onChange={(event) => onChange(event.target.value)} error={error}>
      <option value="">Choose a model or group…</option>
      {names.map((entry) => (
        <option key={entry} value={entry}>
          {entry}
        </option>
      ))}
    </SelectField>
  );

  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Experiment">
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Name" value={name} onChange={(event) => setName(event.target.value)} error={fieldError("name")} />
        {choose("Split the traffic of", model, setModel, fieldError("model"))}
      </div>
      <fieldset className="space-y-2">
        <legend className="text-xs font-semibold text-neutral-600">Variants (the first is the control; weights add up to 100)</legend>
        {rows.map((row, index) => (
          <div key={index} className="grid grid-cols-[1fr_0.5fr_1.5fr_auto] items-end gap-2" data-testid="variant-row">
            <TextField label={`Variant ${index + 1} name`} value={row.name} onChange={(event) => setRow(index, { name: event.target.value })} error={fieldError(`variants.${index}.name`)} />
            <TextField label={`Variant ${index + 1} weight`} inputMode="numeric" value={row.weight} onChange={(event) => setRow(index, { weight: event.target.value })} />
            {choose(`Variant ${index + 1} target`, row.target, (target) => setRow(index, { target }), fieldError(`variants.${index}.target`))}
            <Button size="sm" onClick={() => setRows(rows.filter((_, at) => at !== index))} disabled={rows.length <= 2} aria-label={`Remove variant ${index + 1}`}>
              Remove
            </Button>
          </div>
        ))}
        <Button size="sm" onClick={() => setRows([...rows, { name: String.fromCharCode(97 + rows.length), weight: "0", target: "" }])} disabled={rows.length >= 10}>
          Add variant
        </Button>
      </fieldset>
      <fieldset className="grid grid-cols-3 gap-3">
        <legend className="col-span-3 mb-1 text-xs font-semibold text-neutral-600">Guardrails: a variant crossing one is rolled back to the control</legend>
        <TextField label="Max error rate (%)" inputMode="decimal" value={maxErrorRate} placeholder="off" onChange={(event) => setMaxErrorRate(event.target.value)} error={fieldError("guardrails.max_error_rate")} />
        <TextField label="Max p95 latency (× control)" inputMode="decimal" value={latencyRatio} placeholder="off" onChange={(event) => setLatencyRatio(event.target.value)} error={fieldError("guardrails.max_p95_latency_ratio")} />
        <TextField label="Judged after (requests)" inputMode="numeric" value={minRequests} onChange={(event) => setMinRequests(event.target.value)} error={fieldError("guardrails.min_requests")} />
      </fieldset>
      <ScopeFields value={scope} onChange={setScope} error={fieldError("scope")} />
      <BanditFields value={bandit} onChange={setBandit} error={fieldError("bandit")} />
      {field && field !== "variants" ? null : <ErrorBanner error={create.error} title="Could not create the experiment" />}
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Create draft
        </Button>
      </div>
    </form>
  );
}
