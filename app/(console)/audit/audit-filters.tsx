"use client";

import { Button } from "@/app/_components/button";
import { SelectField, TextField } from "@/app/_components/field";
import { auditSourceLabels, emptyAuditFilters, knownActions, knownTargetTypes, type AuditFilterForm } from "./audit-filters-state";

export function AuditFilters({ value, onChange, exportHref }: { value: AuditFilterForm; onChange: (filters: AuditFilterForm) => void; exportHref: string }) {
  const set = (field: keyof AuditFilterForm) => (event: { target: { value: string } }) => onChange({ ...value, [field]: event.target.value });
  const isFiltered = Object.values(value).some(Boolean);
  const rangeError = value.from && value.to && value.from > value.to ? "“To” is before “From”." : undefined;

  return (
    <form role="search" aria-label="Filter the audit log" className="flex flex-wrap items-end gap-3 rounded-lg border border-neutral-200 bg-white px-4 py-3 shadow-xs" onSubmit={(event) => event.preventDefault()}>
      <TextField label="Actor" value={value.actor} onChange={set("actor")} placeholder="email, user:…, admin_key:env" className="w-52" />
      <TextField label="Action" value={value.action} onChange={set("action")} placeholder="member.invite, or key." list="audit-actions" className="w-48" />
      <datalist id="audit-actions">
        {knownActions.map((action) => (
          <option key={action} value={action} />
        ))}
      </datalist>
      <SelectField label="Target type" value={value.targetType} onChange={set("targetType")} className="w-36">
        <option value="">Any</option>
        {knownTargetTypes.map((type) => (
          <option key={type} value={type}>
            {type}
          </option>
        ))}
      </SelectField>
      <SelectField label="Source" value={value.source} onChange={set("source")} className="w-32">
        <option value="">Any</option>
        {Object.entries(auditSourceLabels).map(([source, label]) => (
          <option key={source} value={source}>
            {label}
          </option>
        ))}
      </SelectField>
      <TextField label="From" type="datetime-local" value={value.from} onChange={set("from")} className="w-48" />
      <TextField label="To" type="datetime-local" value={value.to} onChange={set("to")} className="w-48" error={rangeError} />
      {isFiltered ? (
        <Button variant="ghost" onClick={() => onChange(emptyAuditFilters)}>
          Clear filters
        </Button>
      ) : null}
      <a
        href={exportHref}
        download
        data-testid="audit-export"
        className="ml-auto inline-flex h-8 items-center rounded-md border border-neutral-300 bg-white px-3 text-sm font-medium text-neutral-800 shadow-xs hover:bg-neutral-50"
      >
        Export CSV
      </a>
    </form>
  );
}
