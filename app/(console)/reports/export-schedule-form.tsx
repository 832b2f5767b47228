"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Button } from "@/app/_components/button";
import { ErrorBanner } from "@/app/_components/error-banner";
import { errorMessage } from "@/app/_components/error-message";
import { SelectField, TextField } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
import { groupings, type Grouping } from "./report-query";

/** Creates a scheduled export: a name, CSV (grouped) or FOCUS, and the webhook its monthly file is POSTed to. */
export function ExportScheduleForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [format, setFormat] = useState<"csv" | "focus">("csv");
  const [groupBy, setGroupBy] = useState<Grouping>("team");
  const [webhook, setWebhook] = useState("");
  const create = useMutation(
    trpc.exportSchedules.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.exportSchedules.pathKey() });
        onDone();
      },
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name: name.trim(), format, ...(format === "csv" ? { group_by: groupBy } : {}), webhook_url: webhook.trim() });
  }

  const field = create.error?.data?.field;
  const fieldError = (fieldName: string) => (field === fieldName ? errorMessage(create.error) : undefined);
  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Scheduled export">
      <TextField label="Name" value={name} onChange={(event) => setName(event.target.value)} placeholder="Monthly FOCUS to the data lake" error={fieldError("name")} />
      <div className="grid grid-cols-2 gap-3">
        <SelectField label="Format" value={format} onChange={(event) => setFormat(event.target.value as "csv" | "focus")}>
          <option value="csv">CSV report</option>
          <option value="focus">FinOps FOCUS 1.2</option>
        </SelectField>
        {format === "csv" ? (
          <SelectField label="Group by" value={groupBy} onChange={(event) => setGroupBy(event.target.value as Grouping)}>
            {groupings.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </SelectField>
        ) : null}
      </div>
      <TextField
        label="Webhook URL"
        type="url"
        value={webhook}
        onChange={(event) => setWebhook(event.target.value)}
        placeholder="https://hooks.example.com/finance"
        hint="Each month's file is POSTed here once the month has ended in the org's time zone, signed with WEBHOOK_SIGNING_SECRET when set. Only its host is shown after saving."
        error={fieldError("webhook_url")}
      />
      {field && ["name", "webhook_url"].includes(field) ? null : <ErrorBanner error={create.error} title="Could not save the schedule" />}
      <div className="flex justify-end gap-2 border-t border-neutral-200 pt-4">
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="primary" isPending={create.isPending}>
          Save schedule
        </Button>
      </div>
    </form>
  );
}
