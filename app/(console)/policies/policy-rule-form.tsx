"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { errorMessage } from "@/app/_components/error-message";
import { CheckboxField, SelectField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import type { PolicyConditionsValue } from "@/db/schema/policies";
import { actionLabels, detectorLabels, splitList } from "./describe-rule";

type Action = keyof typeof actionLabels;
const roles = ["owner", "admin", "developer", "finance", "viewer"] as const;

export interface EditableRule {
  id: string;
  name: string;
  action: Action;
  targetModel: string | null;
  dryRun: boolean;
  conditions: PolicyConditionsValue;
}

/** "name: regex" per line ↔ patterns. */
const patternsToText = (patterns: PolicyConditionsValue["patterns"]) => (patterns ?? []).map((pattern) => `${pattern.name}: ${pattern.regex}`).join("\n");
function textToPatterns(text: string) {
  const lines = text.split("\n").map((line) => line.trim()).filter(Boolean);
  return lines.length ? lines.map((line, index) => (line.includes(": ") ? { name: line.slice(0, line.indexOf(": ")).trim(), regex: line.slice(line.indexOf(": ") + 2) } : { name: `pattern${index + 1}`, regex: line })) : undefined;
}

/** Creates or edits one rule. Team, key and key-metadata conditions are set through the admin API. */
export function PolicyRuleForm({ rule, onDone }: { rule?: EditableRule; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const models = useQuery(trpc.models.list.queryOptions());
  const conditions = rule?.conditions ?? {};
  const [name, setName] = useState(rule?.name ?? "");
  const [action, setAction] = useState<Action>(rule?.action ?? "block");
  const [targetModel, setTargetModel] = useState(rule?.targetModel ?? "");
  const [dryRun, setDryRun] = useState(rule?.dryRun ?? false);
  const [keywords, setKeywords] = useState(conditions.keywords?.join(", ") ?? "");
  const [patterns, setPatterns] = useState(patternsToText(conditions.patterns));
  const [detectors, setDetectors] = useState<string[]>(conditions.detectors ?? []);
  const [ruleRoles, setRuleRoles] = useState<string[]>(conditions.roles ?? []);
  const [callerRegions, setCallerRegions] = useState(conditions.caller_regions?.join(", ") ?? "");
  const [providers, setProviders] = useState(conditions.providers?.join(", ") ?? "");
  const [modelRegions, setModelRegions] = useState(conditions.model_regions?.join(", ") ?? "");
  const [modelRegionsNot, setModelRegionsNot] = useState(conditions.model_regions_not?.join(", ") ?? "");
  const onSuccess = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.policies.pathKey() });
    onDone();
  };
  const create = useMutation(trpc.policies.create.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.policies.update.mutationOptions({ onSuccess }));
  const mutation = rule ? update : create;

  function submit(event: FormEvent) {
    event.preventDefault();
    const next = {
      ...(rule ? { team_ids: conditions.team_ids, key_ids: conditions.key_ids, key_metadata: conditions.key_metadata } : {}),
      keywords: splitList(keywords),
      patterns: textToPatterns(patterns),
      detectors: detectors.length ? (detectors as (keyof typeof detectorLabels)[]) : undefined,
      roles: ruleRoles.length ? (ruleRoles as (typeof roles)[number][]) : undefined,
      caller_regions: splitList(callerRegions),
      providers: splitList(providers),
      model_regions: splitList(modelRegions),
      model_regions_not: splitList(modelRegionsNot),
    };
    const fields = { name, action, target_model: action === "reroute" ? targetModel || null : null, dry_run: dryRun, conditions: next };
    if (rule) update.mutate({ id: rule.id, patch: fields });
    else create.mutate(fields);
  }

  const field = mutation.error?.data?.field ?? "";
  const fieldError = (prefix: string) => (field.startsWith(prefix) ? errorMessage(mutation.error) : undefined);
  const toggle = (list: string[], set: (next: string[]) => void, value: string, isOn: boolean) => set(isOn ? [...list, value] : list.filter((item) => item !== value));
  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Policy rule">
      <div className="grid grid-cols-2 gap-3">
        <TextField label="Name" value={name} onChange={(event) => setName(event.target.value)} error={fieldError("name")} />
        <SelectField label="Action" value={action} onChange={(event) => setAction(event.target.value as Action)}>
          {Object.entries(actionLabels).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </SelectField>
      </div>
      {action === "reroute" ? (
        <SelectField label="Reroute to model" value={targetModel} onChange={(event) => setTargetModel(event.target.value)} error={fieldError("target_model")}>
          <option value="">Choose a model…</option>
          {models.data?.map((model) => (
            <option key={model.id} value={model.name}>
              {model.name}
              {model.region ? ` (${model.region})` : ""}
            </option>
          ))}
        </SelectField>
      ) : null}
      <fieldset className="space-y-2 rounded-md border border-neutral-200 p-3">
        <legend className="px-1 text-xs font-medium text-neutral-700">The prompt contains (any of)</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1.5">
          {Object.entries(detectorLabels).map(([value, label]) => (
            <CheckboxField key={value} label={label} checked={detectors.includes(value)} onChange={(event) => toggle(detectors, setDetectors, value, event.target.checked)} />
          ))}
        </div>
        <TextField label="Keywords" value={keywords} onChange={(event) => setKeywords(event.target.value)} placeholder="project falcon, internal only" hint="Comma-separated, case-insensitive." error={fieldError("conditions.keywords")} />
        <div className="space-y-1">
          <label htmlFor="policy-patterns" className="block text-xs font-medium text-neutral-700">
            Patterns (one per line, name: regex)
          </label>
          <textarea
            id="policy-patterns"
            value={patterns}
            onChange={(event) => setPatterns(event.target.value)}
            rows={2}
            placeholder="ticket: TCK-[0-9]{4}"
            className="block w-full rounded-md border border-neutral-300 px-2.5 py-1.5 font-mono text-xs"
          />
          {fieldError("conditions.patterns") ? (
            <p className="text-xs text-red-600" role="alert">
              {fieldError("conditions.patterns")}
            </p>
          ) : (
            <p className="text-xs text-neutral-500">RE2 syntax: linear time, so no backreferences or lookarounds.</p>
          )}
        </div>
      </fieldset>
      <fieldset className="space-y-2 rounded-md border border-neutral-200 p-3">
        <legend className="px-1 text-xs font-medium text-neutral-700">And the request (all that are set)</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1.5" aria-label="Caller roles">
          {roles.map((role) => (
            <CheckboxField key={role} label={`role ${role}`} checked={ruleRoles.includes(role)} onChange={(event) => toggle(ruleRoles, setRuleRoles, role, event.target.checked)} />
          ))}
        </div>
        <div className="grid grid-cols-2 gap-3">
          <TextField label="Caller regions" value={callerRegions} onChange={(event) => setCallerRegions(event.target.value)} placeholder="eu" hint='"eu" holds eu-west-1, eu-central-1…' error={fieldError("conditions.caller_regions")} />
          <TextField label="Model providers" value={providers} onChange={(event) => setProviders(event.target.value)} placeholder="openai, anthropic" />
          <TextField label="Model regions" value={modelRegions} onChange={(event) => setModelRegions(event.target.value)} placeholder="us" error={fieldError("conditions.model_regions")} />
          <TextField label="Model outside regions" value={modelRegionsNot} onChange={(event) => setModelRegionsNot(event.target.value)} placeholder="eu" hint="Unlabelled models count as outside." />
        </div>
      </fieldset>
      <CheckboxField label="Dry run: record the decision on the ledger, do not apply it" checked={dryRun} onChange={(event) => setDryRun(event.target.checked)} />
      {field && field !== "conditions" ? null : <ErrorBanner error={mutation.error} title="Could not save the rule" />}
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={mutation.isPending}>
          Save rule
        </Button>
      </div>
    </form>
  );
}
