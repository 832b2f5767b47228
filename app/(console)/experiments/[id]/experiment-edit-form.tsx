"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { errorMessage } from "@/app/_components/error-message";
import { TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import type { ExperimentBandit, ExperimentGuardrails, ExperimentScope, ExperimentVariant } from "@/db/schema/experiments";
import { BanditFields, banditInput, ScopeFields, scopeInput, type BanditValue, type ScopeValue } from "../experiment-settings-fields";

interface EditableExperiment {
  id: string;
  variants: ExperimentVariant[];
  guardrails: ExperimentGuardrails;
  scope: ExperimentScope;
  bandit: ExperimentBandit | null;
}

const optionalNumber = (text: string, scale = 1) => (text.trim() === "" ? undefined : Number(text) / scale);

/** Edits a draft, running or paused experiment: weights, guardrails, scope, bandit mode; each save is a new version. */
export function ExperimentEditForm({ experiment, onDone }: { experiment: EditableExperiment; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [weights, setWeights] = useState<Record<string, string>>(Object.fromEntries(experiment.variants.map((variant) => [variant.name, String(variant.weight)])));
  const [maxErrorRate, setMaxErrorRate] = useState(experiment.guardrails.max_error_rate === undefined ? "" : String(experiment.guardrails.max_error_rate * 100));
  const [latencyRatio, setLatencyRatio] = useState(experiment.guardrails.max_p95_latency_ratio === undefined ? "" : String(experiment.guardrails.max_p95_latency_ratio));
  const [minRequests, setMinRequests] = useState(String(experiment.guardrails.min_requests));
  const [scope, setScope] = useState<ScopeValue>({ keyIds: experiment.scope.key_ids, teamIds: experiment.scope.team_ids });
  const [bandit, setBandit] = useState<BanditValue>({ reward: experiment.bandit?.reward ?? "", minShare: String(experiment.bandit?.min_share ?? 10) });
  const [note, setNote] = useState("");
  const update = useMutation(
    trpc.experiments.update.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.experiments.pathKey() });
        onDone();
      },
    }),
  );
  const field = update.error?.data?.field;
  const fieldError = (prefix: string) => (field && (field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`changes.${prefix}`)) ? errorMessage(update.error) : undefined);
  const weightsChanged = experiment.variants.some((variant) => weights[variant.name] !== String(variant.weight));
  const isBandit = bandit.reward !== "";

  function submit(event: FormEvent) {
    event.preventDefault();
    const guardrails = { max_error_rate: optionalNumber(maxErrorRate, 100), max_p95_latency_ratio: optionalNumber(latencyRatio), min_requests: optionalNumber(minRequests) ?? 30 };
    const changes = {
      ...(weightsChanged ? { weights: Object.fromEntries(Object.entries(weights).map(([name, weight]) => [name, Number(weight)])) } : {}),
      guardrails,
      scope: scopeInput(scope),
      bandit: banditInput(bandit),
      ...(note.trim() ? { note: note.trim() } : {}),
    };
    update.mutate({ id: experiment.id, changes });
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Edit experiment">
      <fieldset className="space-y-2">
        <legend className="text-xs font-semibold text-neutral-600">Weights (add up to 100; {isBandit ? "set by the bandit while bandit mode is on" : "users move only where a bucket edge moves"})</legend>
        <div className="grid grid-cols-4 gap-2">
          {experiment.variants.map((variant) => (
            <TextField key={variant.name} label={`${variant.name} weight`} inputMode="numeric" value={weights[variant.name]} disabled={isBandit && !weightsChanged} onChange={(event) => setWeights({ ...weights, [variant.name]: event.target.value })} error={fieldError(`weights.${variant.name}`)} />
          ))}
        </div>
      </fieldset>
      <fieldset className="grid grid-cols-3 gap-3">
        <legend className="col-span-3 mb-1 text-xs font-semibold text-neutral-600">Guardrails</legend>
        <TextField label="Max error rate (%)" inputMode="decimal" value={maxErrorRate} placeholder="off" onChange={(event) => setMaxErrorRate(event.target.value)} error={fieldError("guardrails.max_error_rate")} />
        <TextField label="Max p95 latency (× control)" inputMode="decimal" value={latencyRatio} placeholder="off" onChange={(event) => setLatencyRatio(event.target.value)} error={fieldError("guardrails.max_p95_latency_ratio")} />
        <TextField label="Judged after (requests)" inputMode="numeric" value={minRequests} onChange={(event) => setMinRequests(event.target.value)} error={fieldError("guardrails.min_requests")} />
      </fieldset>
      <ScopeFields value={scope} onChange={setScope} error={fieldError("scope")} />
      <BanditFields value={bandit} onChange={setBandit} error={fieldError("bandit")} />
      <TextField label="Note (kept with the version)" value={note} placeholder="edited" onChange={(event) => setNote(event.target.value)} />
      {field && field !== "weights" && field !== "status" ? null : <ErrorBanner error={update.error} title="Could not save the experiment" />}
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={update.isPending}>
          Save as a new version
        </Button>
      </div>
    </form>
  );
}
