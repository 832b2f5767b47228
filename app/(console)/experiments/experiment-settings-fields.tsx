"use client";

import { useQuery } from "@tanstack/react-query";
import { CheckboxField, SelectField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";

export interface ScopeValue {
  keyIds: string[];
  teamIds: string[];
}
export interface BanditValue {
  /** "" is off. */
  reward: "" | "success" | "thumbs_up" | "task_completed";
  minShare: string;
}

const toggle = (list: string[], id: string, isOn: boolean) => (isOn ? [...list, id] : list.filter((entry) => entry !== id));

/** Which keys and teams an experiment applies to (none ticked: every key), for the create and edit forms. */
export function ScopeFields({ value, onChange, error }: { value: ScopeValue; onChange: (value: ScopeValue) => void; error?: string }) {
  const trpc = useTRPC();
  const keys = useQuery(trpc.keys.list.queryOptions());
  const teams = useQuery(trpc.teams.list.queryOptions());
  const activeKeys = (keys.data ?? []).filter((key) => !key.revokedAt || value.keyIds.includes(key.id));
  return (
    <fieldset className="space-y-2" aria-label="Scope">
      <legend className="text-xs font-semibold text-neutral-600">Scope: only requests of these keys, or of keys of these teams (none ticked: every key)</legend>
      <div className="grid grid-cols-2 gap-3">
        <div className="max-h-32 space-y-1 overflow-y-auto rounded-md border border-neutral-200 p-2" aria-label="Scope keys" role="group">
          {activeKeys.length === 0 ? <p className="text-xs text-neutral-500">No keys.</p> : null}
          {activeKeys.map((key) => (
            <CheckboxField key={key.id} className="flex" label={<span>{key.name} <span className="font-mono text-xs text-neutral-500">{key.keyPrefix}</span></span>} checked={value.keyIds.includes(key.id)} onChange={(event) => onChange({ ...value, keyIds: toggle(value.keyIds, key.id, event.target.checked) })} />
          ))}
        </div>
        <div className="max-h-32 space-y-1 overflow-y-auto rounded-md border border-neutral-200 p-2" aria-label="Scope teams" role="group">
          {(teams.data ?? []).length === 0 ? <p className="text-xs text-neutral-500">No teams.</p> : null}
          {(teams.data ?? []).map((team) => (
            <CheckboxField key={team.id} className="flex" label={team.name} checked={value.teamIds.includes(team.id)} onChange={(event) => onChange({ ...value, teamIds: toggle(value.teamIds, team.id, event.target.checked) })} />
          ))}
        </div>
      </div>
      {error ? <p className="text-xs text-red-700" role="alert">{error}</p> : null}
    </fieldset>
  );
}

/** Bandit mode: off, or Thompson sampling over a reward with a minimum share per variant. */
export function BanditFields({ value, onChange, error }: { value: BanditValue; onChange: (value: BanditValue) => void; error?: string }) {
  return (
    <fieldset className="grid grid-cols-2 gap-3">
      <legend className="col-span-2 mb-1 text-xs font-semibold text-neutral-600">Bandit mode: the split moves toward the better variant every minute</legend>
      <SelectField label="Bandit reward" value={value.reward} onChange={(event) => onChange({ ...value, reward: event.target.value as BanditValue["reward"] })}>
        <option value="">Off (the weights stay as set)</option>
        <option value="success">Success (no error)</option>
        <option value="thumbs_up">Thumbs-up (feedback)</option>
        <option value="task_completed">Task completed (feedback)</option>
      </SelectField>
      <TextField label="Minimum share per variant (%)" inputMode="numeric" value={value.minShare} disabled={value.reward === ""} onChange={(event) => onChange({ ...value, minShare: event.target.value })} error={error} />
    </fieldset>
  );
}

export const banditInput = (value: BanditValue) => (value.reward === "" ? null : { reward: value.reward, min_share: Number(value.minShare) });
export const scopeInput = (value: ScopeValue) => ({ key_ids: value.keyIds, team_ids: value.teamIds });
