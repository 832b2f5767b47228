export { formatDecimal, formatPrice, formatUsd, isPositiveDecimal } from "./format-decimal";

const integer = new Intl.NumberFormat("en-US");
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

export function formatInteger(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : integer.format(value);
}

/** 1.2K, 3.4M for cards and chart axes. */
export function formatCompact(value: number): string {
  return value < 10_000 ? integer.format(value) : compact.format(value);
}

export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return `${integer.format(Math.round(value))} ms`;
}

export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return "—";
  const percent = ratio * 100;
  return `${percent === 0 || percent >= 10 ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

const dateTime = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
const dateOnly = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric" });

export function formatDateTime(value: Date | string | null | undefined): string {
  return value ? dateTime.format(new Date(value)) : "—";
}

export function formatDate(value: Date | string | null | undefined): string {
  return value ? dateOnly.format(new Date(value)) : "—";
}

/** "3 min ago", "in 2 days"; falls back to the date after a month. */
export function formatRelative(value: Date | string | null | undefined, now = Date.now()): string {
  if (!value) return "—";
  const diff = new Date(value).getTime() - now;
  const seconds = Math.round(diff / 1000);
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [["second", 60], ["minute", 60], ["hour", 24], ["day", 30]];
  const relative = new Intl.RelativeTimeFormat("en-US", { numeric: "auto" });
  let amount = seconds;
  for (const [unit, size] of units) {
    if (Math.abs(amount) < size) return relative.format(amount, unit);
    amount = Math.round(amount / size);
  }
  return formatDate(value);
}

/** `vk_AbCdEfGh…`: the stored lookup prefix, never the key. */
export function formatKeyPrefix(prefix: string | null | undefined): string {
  return prefix ? `${prefix}…` : "—";
}
