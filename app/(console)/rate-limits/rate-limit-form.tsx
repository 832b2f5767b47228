"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { errorMessage } from "@/app/_components/error-message";
import { SelectField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { scopeLabels, type LimitScope, type LimitValues } from "./format-limit";

interface RateLimitFormProps {
  /** Fixed when the form is opened from a key or team page; chosen in the form otherwise. */
  scope?: LimitScope;
  scopeId?: string | null;
  current?: LimitValues & { failMode: "open" | "closed" };
  onDone: () => void;
}

const toNumber = (value: string) => (value.trim() === "" ? null : Number(value));

/** Sets (creates or replaces) one scope's limit: empty fields mean "no such limit". */
export function RateLimitForm({ scope: fixedScope, scopeId: fixedScopeId, current, onDone }: RateLimitFormProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [scope, setScope] = useState<LimitScope>(fixedScope ?? "key");
  const [scopeId, setScopeId] = useState(fixedScopeId ?? "");
  const [rpm, setRpm] = useState(current?.rpm?.toString() ?? "");
  const [tpm, setTpm] = useState(current?.tpm?.toString() ?? "");
  const [concurrency, setConcurrency] = useState(current?.concurrency?.toString() ?? "");
  const [failMode, setFailMode] = useState<"open" | "closed">(current?.failMode ?? "open");
  const set = useMutation(
    trpc.rateLimits.set.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.rateLimits.pathKey() });
        onDone();
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    const id = fixedScope ? (fixedScopeId ?? null) : scopeId.trim() || null;
    set.mutate({ scope, scope_id: scope === "org" ? null : id, rpm: toNumber(rpm), tpm: toNumber(tpm), concurrency: toNumber(concurrency), fail_mode: failMode });
  }

  const field = set.error?.data?.field;
  const fieldError = (name: string) => (field === name ? errorMessage(set.error) : undefined);
  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Rate limit">
      {fixedScope ? null : (
        <div className="grid grid-cols-2 gap-3">
          <SelectField label="Scope" value={scope} onChange={(event) => setScope(event.target.value as LimitScope)}>
            {Object.entries(scopeLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
          {scope === "org" ? null : (
            <TextField
              label={scope === "user" ? "End user" : scope === "model" ? "Model name" : `${scopeLabels[scope]} id`}
              value={scopeId}
              onChange={(event) => setScopeId(event.target.value)}
              hint="Empty: the default for each one without its own limit."
              error={fieldError("scope_id")}
            />
          )}
        </div>
      )}
      <div className="grid grid-cols-3 gap-3">
        <TextField label="Requests per minute" inputMode="numeric" value={rpm} onChange={(event) => setRpm(event.target.value)} placeholder="no limit" error={fieldError("rpm")} />
        <TextField label="Tokens per minute" inputMode="numeric" value={tpm} onChange={(event) => setTpm(event.target.value)} placeholder="no limit" error={fieldError("tpm")} />
        <TextField label="Concurrent requests" inputMode="numeric" value={concurrency} onChange={(event) => setConcurrency(event.target.value)} placeholder="no limit" error={fieldError("concurrency")} />
      </div>
      <SelectField
        label="When Redis is unreachable"
        value={failMode}
        onChange={(event) => setFailMode(event.target.value as "open" | "closed")}
        hint="Only matters with REDIS_URL set: open admits requests unchecked, closed refuses them with 429."
      >
        <option value="open">Fail open: admit</option>
        <option value="closed">Fail closed: refuse with 429</option>
      </SelectField>
      {field && ["scope_id", "rpm", "tpm", "concurrency"].includes(field) ? null : <ErrorBanner error={set.error} title="Could not save the limit" />}
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={set.isPending}>
          Save limit
        </Button>
      </div>
    </form>
  );
}
