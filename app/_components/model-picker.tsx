"use client";

import { CheckboxField } from "./field";

interface ModelPickerProps {
  models: Array<{ id: string; name: string; enabled: boolean }>;
  isLoading: boolean;
  selected: string[];
  onChange: (selected: string[]) => void;
  error?: string;
  /** What an empty selection means here. */
  emptyHint?: string;
  legend?: string;
}

/** Multi-select of model names as checkboxes; nothing selected means every model. */
export function ModelPicker({ models, isLoading, selected, onChange, error, emptyHint = "None selected: the key may use all models.", legend = "Allowed models" }: ModelPickerProps) {
  const toggle = (name: string, isChecked: boolean) => onChange(isChecked ? [...selected, name] : selected.filter((item) => item !== name));
  return (
    <fieldset className="space-y-1">
      <legend className="text-xs font-medium text-neutral-700">{legend}</legend>
      <div className="max-h-44 overflow-y-auto rounded-md border border-neutral-300 bg-white px-2.5 py-2">
        {isLoading ? <p className="text-xs text-neutral-500">Loading models…</p> : null}
        {!isLoading && models.length === 0 ? <p className="text-xs text-neutral-500">No models in the catalog yet.</p> : null}
        <div className="grid grid-cols-2 gap-x-3 gap-y-1.5">
          {models.map((model) => (
            <CheckboxField
              key={model.id}
              label={
                <span className="truncate">
                  {model.name}
                  {model.enabled ? null : <span className="ml-1 text-xs text-neutral-400">(disabled)</span>}
                </span>
              }
              checked={selected.includes(model.name)}
              onChange={(event) => toggle(model.name, event.target.checked)}
            />
          ))}
        </div>
      </div>
      <p className={error ? "text-xs text-red-600" : "text-xs text-neutral-500"} role={error ? "alert" : undefined}>
        {error ?? (selected.length === 0 ? emptyHint : `${selected.length} selected.`)}
      </p>
    </fieldset>
  );
}
