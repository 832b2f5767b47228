"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { errorMessage } from "@/app/_components/error-message";
import { SelectField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";

export const scopeLabels = { org: "Organization", team: "Team", key: "Key", user: "End user", model: "Model" } as const;
export type BudgetScope = keyof typeof scopeLabels;
const periodLabels = { monthly: "Monthly", weekly: "Weekly (from Monday)", daily: "Daily", lifetime: "Lifetime" } as const;

interface BudgetFormProps {
  /** Set when editing: only the limit, thresholds and webhook change. */
  editing?: { id: string; limit_usd: string; alert_thresholds: number[]; webhook_url: string | null };
  teams: { id: string; name: string }[];
  keys: { id: string; name: string }[];
  onDone: () => void;
}

const toPercentages = (thresholds: number[]) => thresholds.map((threshold) => String(Math.round(threshold * 1000) / 10)).join(", ");

/** Creates a budget (scope, period, limit, alert thresholds, webhook) or edits one's limit and alerts. */
export function BudgetForm({ editing, teams, keys, onDone }: BudgetFormProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [scope, setScope] = useState<BudgetScope>("team");
  const [scopeId, setScopeId] = useState("");
  const [model, setModel] = useState("");
  const [period, setPeriod] = useState<keyof typeof periodLabels>("monthly");
  const [limit, setLimit] = useState(editing ? editing.limit_usd.replace(/\.?0+$/, "") : "");
  const [thresholds, setThresholds] = useState(toPercentages(editing?.alert_thresholds ?? [0.5, 0.8, 1]));
  const [webhook, setWebhook] = useState(editing?.webhook_url ?? "");
  const [thresholdError, setThresholdError] = useState<string>();
  const done = {
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: trpc.budgets.pathKey() });
      onDone();
    },
  };
  const create = useMutation(trpc.budgets.create.mutationOptions(done));
  const update = useMutation(trpc.budgets.update.mutationOptions(done));
  const mutation = editing ? update : create;

  function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = thresholds.split(",").map((part) => part.trim()).filter(Boolean).map(Number);
    if (parsed.some((value) => !Number.isFinite(value) || value <= 0 || value > 100)) {
      setThresholdError("Percentages between 0 and 100, separated by commas.");
      return;
    }
    setThresholdError(undefined);
    const alertThresholds = parsed.map((value) => value / 100);
    const webhookUrl = webhook.trim() || null;
    if (editing) update.mutate({ id: editing.id, patch: { limit_usd: limit.trim(), alert_thresholds: alertThresholds, webhook_url: webhookUrl } });
    else create.mutate({ scope, scope_id: scope === "org" ? null : scopeId.trim() || null, model: model.trim() || null, period, limit_usd: limit.trim(), alert_thresholds: alertThresholds, webhook_url: webhookUrl });
  }

  const field = mutation.error?.data?.field;
  const fieldError = (name: string) => (field === name ? errorMessage(mutation.error) : undefined);
  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Budget">
      {editing ? null : (
        <>
          <div className="grid grid-cols-2 gap-3">
            <SelectField label="Scope" value={scope} onChange={(event) => { setScope(event.target.value as BudgetScope); setScopeId(""); }}>
              {Object.entries(scopeLabels).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </SelectField>
            {scope === "team" || scope === "key" ? (
              <SelectField label={scopeLabels[scope]} value={scopeId} onChange={(event) => setScopeId(event.target.value)} error={fieldError("scope_id")}>
                <option value="">Choose…</option>
                {(scope === "team" ? teams : keys).map((option) => (
                  <option key={option.id} value={option.id}>
                    {option.name}
                  </option>
                ))}
              </SelectField>
            ) : scope === "org" ? null : (
              <TextField label={scope === "user" ? "End user (the request's user)" : "Model name"} value={scopeId} onChange={(event) => setScopeId(event.target.value)} error={fieldError("scope_id")} />
            )}
          </div>
          <div className="grid grid-cols-2 gap-3">
            <SelectField label="Period" value={period} onChange={(event) => setPeriod(event.target.value as keyof typeof periodLabels)} hint="Calendar periods in UTC.">
              {Object.entries(periodLabels).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </SelectField>
            {scope === "model" ? null : <TextField label="Only for model (optional)" value={model} onChange={(event) => setModel(event.target.value)} placeholder="every model" error={fieldError("model")} />}
          </div>
        </>
      )}
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Limit (USD)" inputMode="decimal" value={limit} onChange={(event) => setLimit(event.target.value)} placeholder="100.00" error={fieldError("limit_usd")} />
        <TextField label="Alert at (% of the limit)" value={thresholds} onChange={(event) => setThresholds(event.target.value)} hint="Each fires once per period." error={thresholdError ?? fieldError("alert_thresholds")} />
      </div>
      <TextField label="Alert webhook (optional)" type="url" value={webhook} onChange={(event) => setWebhook(event.target.value)} placeholder="https://hooks.example.com/budget" hint="POSTed JSON, signed with WEBHOOK_SIGNING_SECRET when set." error={fieldError("webhook_url")} />
      {field && ["scope_id", "model", "limit_usd", "alert_thresholds", "webhook_url"].includes(field) ? null : <ErrorBanner error={mutation.error} title="Could not save the budget" />}
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={mutation.isPending}>
          Save budget
        </Button>
      </div>
    </form>
  );
}
