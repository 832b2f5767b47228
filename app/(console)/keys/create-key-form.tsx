"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { errorField, errorMessage } from "@/app/_components/error-message";
import { SelectField, TextField } from "@/app/_components/field";
import { ModelPicker } from "@/app/_components/model-picker";
import { useTRPC } from "@/app/_trpc/client";
import { usePermissions } from "@/app/_trpc/use-permissions";

interface CreateKeyFormProps {
  onCreated: (created: { name: string; key: string }) => void;
  onCancel: () => void;
}

/** "2030-01-31" → the end of that day in the browser's time zone, as an ISO timestamp. */
function endOfDay(date: string): Date {
  return new Date(`${date}T23:59:59`);
}

const ME = "me";
const NOBODY = "nobody";

export function CreateKeyForm({ onCreated, onCancel }: CreateKeyFormProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const permissions = usePermissions();
  const mayChooseOwner = permissions.can("keys:write");
  const models = useQuery(trpc.models.list.queryOptions());
  const teams = useQuery(trpc.teams.list.queryOptions());
  const members = useQuery(trpc.members.list.queryOptions(undefined, { enabled: mayChooseOwner }));
  const [name, setName] = useState("");
  const [teamId, setTeamId] = useState("");
  const [owner, setOwner] = useState(ME);
  const [selected, setSelected] = useState<string[]>([]);
  const [expires, setExpires] = useState("");
  const [region, setRegion] = useState("");
  const [cacheMode, setCacheMode] = useState<"" | "off" | "org" | "key">("");
  const [errors, setErrors] = useState<{ name?: string; expires?: string }>({});
  const create = useMutation(
    trpc.keys.create.mutationOptions({
      onSuccess: async (created) => {
        await queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey() });
        onCreated({ name: created.name, key: created.key });
      },
    }),
  );
  // A developer in a team creates keys under one of their teams (its budgets and limits apply): the first by default.
  const mustChooseTeam = !mayChooseOwner && (teams.data?.length ?? 0) > 0;
  useEffect(() => {
    if (mustChooseTeam && !teamId && teams.data?.[0]) chooseTeam(teams.data[0].id);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once the teams arrive
  }, [mustChooseTeam, teams.data]);
  const team = teams.data?.find((entry) => entry.id === teamId);
  const offered = team?.allowedModels ? (models.data ?? []).filter((model) => team.allowedModels!.includes(model.name)) : (models.data ?? []);

  function chooseTeam(next: string) {
    setTeamId(next);
    const allowed = teams.data?.find((entry) => entry.id === next)?.allowedModels;
    if (allowed) setSelected((current) => current.filter((model) => allowed.includes(model)));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const next: typeof errors = {};
    if (!name.trim()) next.name = "Give the key a name.";
    if (expires && endOfDay(expires).getTime() <= Date.now()) next.expires = "Pick a date in the future.";
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    const userId = !mayChooseOwner ? undefined : owner === ME ? permissions.me?.userId : owner === NOBODY ? null : owner;
    create.mutate({
      name: name.trim(),
      models: selected.length > 0 ? selected : null,
      expires_at: expires ? endOfDay(expires).toISOString() : null,
      team_id: teamId || null,
      region: region.trim() || null,
      response_cache: cacheMode || null,
      ...(userId !== undefined ? { user_id: userId } : {}),
    });
  }

  const serverField = create.error?.data?.field ?? errorField(create.error, ["expires_at", "models", "name", "team_id", "user_id", "region", "response_cache"]);
  const fieldError = (field: string) => (serverField === field ? errorMessage(create.error) : undefined);
  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Create key">
      <TextField label="Name" value={name} onChange={(event) => setName(event.target.value)} error={errors.name ?? fieldError("name")} placeholder="e.g. backend-prod" maxLength={100} autoFocus />
      <div className="grid grid-cols-2 gap-3">
        <SelectField label="Team" value={teamId} onChange={(event) => chooseTeam(event.target.value)} error={fieldError("team_id")} hint={mayChooseOwner ? "Its spend counts for the team." : mustChooseTeam ? "One of your teams: its budgets and limits apply." : "You are in no team."}>
          {mustChooseTeam ? null : <option value="">No team</option>}
          {teams.data?.map((entry) => (
            <option key={entry.id} value={entry.id}>
              {entry.name}
            </option>
          ))}
        </SelectField>
        {mayChooseOwner ? (
          <SelectField label="Belongs to" value={owner} onChange={(event) => setOwner(event.target.value)} error={fieldError("user_id")} hint="Deactivating that member can revoke it.">
            <option value={ME}>Me{permissions.me ? ` (${permissions.me.email})` : ""}</option>
            <option value={NOBODY}>No member (a service key)</option>
            {members.data
              ?.filter((member) => !member.deactivatedAt && member.id !== permissions.me?.userId)
              .map((member) => (
                <option key={member.id} value={member.id}>
                  {member.email}
                </option>
              ))}
          </SelectField>
        ) : null}
      </div>
      <ModelPicker
        models={offered}
        isLoading={models.isLoading}
        selected={selected}
        onChange={setSelected}
        error={fieldError("models")}
        emptyHint={team?.allowedModels ? `None selected: the team's models (${team.allowedModels.length}).` : "None selected: the key may use all models."}
      />
      <TextField label="Region (optional)" value={region} onChange={(event) => setRegion(event.target.value)} error={fieldError("region")} placeholder="e.g. eu-west-1" hint="The caller's region, for policy rules and data residency." />
      <SelectField label="Response cache" value={cacheMode} onChange={(event) => setCacheMode(event.target.value as typeof cacheMode)} error={fieldError("response_cache")} hint="Identical requests answered from the cache at no upstream cost." data-testid="key-cache-mode">
        <option value="">The organization&apos;s default</option>
        <option value="off">Off</option>
        <option value="org">On, shared with the org&apos;s keys</option>
        <option value="key">On, this key&apos;s own entries</option>
      </SelectField>
      <TextField
        label="Expires (optional)"
        type="date"
        value={expires}
        onChange={(event) => setExpires(event.target.value)}
        error={errors.expires ?? fieldError("expires_at")}
        hint="The key stops working at the end of this day. Leave empty for no expiry."
      />
      {!serverField ? <ErrorBanner error={create.error} title="Could not create the key" /> : null}
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onCancel}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Create key
        </Button>
      </div>
    </form>
  );
}
