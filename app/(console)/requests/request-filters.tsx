"use client";

import { useQuery } from "@tanstack/react-query";
import { Button } from "@/app/_components/button";
import { SelectField, TextField } from "@/app/_components/field";
import { formatKeyPrefix } from "@/app/_components/format";
import { useTRPC } from "@/app/_trpc/client";
import { emptyFilters, type RequestFilterForm } from "./request-filters-state";

export function RequestFilters({ value, onChange }: { value: RequestFilterForm; onChange: (filters: RequestFilterForm) => void }) {
  const trpc = useTRPC();
  const keys = useQuery(trpc.keys.list.queryOptions());
  const models = useQuery(trpc.models.list.queryOptions());
  const set = (field: keyof RequestFilterForm) => (event: { target: { value: string } }) => onChange({ ...value, [field]: event.target.value });
  const isFiltered = Object.values(value).some(Boolean);
  const rangeError = value.from && value.to && value.from > value.to ? "“To” is before “From”." : undefined;

  return (
    <form role="search" aria-label="Filter requests" className="flex flex-wrap items-end gap-3 rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs" onSubmit={(event) => event.preventDefault()}>
      <SelectField label="Key" value={value.keyId} onChange={set("keyId")} className="w-52">
        <option value="">All keys</option>
        {keys.data?.map((key) => (
          <option key={key.id} value={key.id}>
            {key.name} ({formatKeyPrefix(key.keyPrefix)})
          </option>
        ))}
      </SelectField>
      <SelectField label="Model" value={value.model} onChange={set("model")} className="w-48">
        <option value="">All models</option>
        {models.data?.map((model) => (
          <option key={model.id} value={model.name}>
            {model.name}
          </option>
        ))}
      </SelectField>
      <TextField label="Provider" value={value.provider} onChange={set("provider")} placeholder="any" className="w-32" />
      <SelectField label="Status" value={value.status} onChange={set("status")} className="w-32">
        <option value="">Any</option>
        <option value="success">success</option>
        <option value="error">error</option>
        <option value="aborted">aborted</option>
      </SelectField>
      <TextField label="From" type="datetime-local" value={value.from} onChange={set("from")} className="w-52" />
      <TextField label="To" type="datetime-local" value={value.to} onChange={set("to")} className="w-52" error={rangeError} />
      {isFiltered ? (
        <Button variant="ghost" onClick={() => onChange(emptyFilters)}>
          Clear filters
        </Button>
      ) : null}
    </form>
  );
}
