"use client";

import { TextField } from "@/app/_components/field";

export interface PriceForm {
  input: string;
  output: string;
  cachedInput: string;
  cacheWrite: string;
  /** 1-hour cache writes (Anthropic: 2x input); empty: billed at the cache-write price. */
  cacheWrite1h: string;
}

export type PriceErrors = Partial<Record<keyof PriceForm, string>>;

export const emptyPrice: PriceForm = { input: "", output: "", cachedInput: "", cacheWrite: "", cacheWrite1h: "" };

const PRICE = /^\d{1,12}(\.\d{1,6})?$/;

/** Same rule as the server: a non-negative decimal with at most 6 decimals. Input and output are required. */
export function validatePrice(price: PriceForm): PriceErrors {
  const errors: PriceErrors = {};
  for (const field of ["input", "output", "cachedInput", "cacheWrite", "cacheWrite1h"] as const) {
    const value = price[field].trim();
    const isRequired = field === "input" || field === "output";
    if (!value) {
      if (isRequired) errors[field] = "Required.";
    } else if (!PRICE.test(value)) errors[field] = "A number like 0.15 (max 6 decimals).";
  }
  return errors;
}

export function toPriceInput(price: PriceForm) {
  return { input: price.input.trim(), output: price.output.trim(), cached_input: price.cachedInput.trim() || null, cache_write: price.cacheWrite.trim() || null, cache_write_1h: price.cacheWrite1h.trim() || null };
}

const labels: Record<keyof PriceForm, string> = { input: "Input $ / 1M", output: "Output $ / 1M", cachedInput: "Cached input $ / 1M", cacheWrite: "Cache write $ / 1M", cacheWrite1h: "1h cache write $ / 1M" };

export function PriceFields({ value, errors, onChange }: { value: PriceForm; errors: PriceErrors; onChange: (value: PriceForm) => void }) {
  return (
    <div className="grid grid-cols-2 gap-3 sm:grid-cols-5">
      {(Object.keys(labels) as Array<keyof PriceForm>).map((field) => (
        <TextField
          key={field}
          label={labels[field]}
          inputMode="decimal"
          value={value[field]}
          onChange={(event) => onChange({ ...value, [field]: event.target.value })}
          error={errors[field]}
          placeholder={field === "input" || field === "output" ? "0.00" : "optional"}
        />
      ))}
    </div>
  );
}
