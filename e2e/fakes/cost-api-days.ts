/**
 * What the fake cost APIs (openai-costs-fake.ts, anthropic-cost-report-fake.ts) bill: per UTC day, line items with an
 * exact dollar amount (a decimal string) and a currency. Tests set them and compare the gateway's import with them.
 */
export interface FakeCostItem {
  /** Dollars (or the currency's major unit) as a decimal string, e.g. "1.234567". */
  amount: string;
  currency?: string;
  /** OpenAI's line_item / Anthropic's description. */
  name: string;
}
export type FakeCostDays = Record<string, FakeCostItem[]>;

export interface FakeCostApi {
  url: string;
  /** Replaces what the fake reports. */
  setDays(days: FakeCostDays): void;
  close(): Promise<void>;
}

/** "1.2345" dollars → "123.45" cents, by moving the decimal point (no float). */
export function dollarsToCentsText(amount: string): string {
  const negative = amount.startsWith("-");
  const [whole, fraction = ""] = (negative ? amount.slice(1) : amount).split(".");
  const padded = fraction.padEnd(2, "0");
  const cents = `${whole}${padded.slice(0, 2)}`.replace(/^0+(?=\d)/, "");
  const rest = padded.slice(2).replace(/0+$/, "");
  return `${negative ? "-" : ""}${cents}${rest ? `.${rest}` : ""}`;
}

/** The UTC days of [from, to), as YYYY-MM-DD. */
export function daysBetween(from: number, to: number): string[] {
  const days: string[] = [];
  for (let at = Math.floor(from / 86_400_000) * 86_400_000; at < to; at += 86_400_000) days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

/** An opaque page cursor naming the first bucket of the next page, as both APIs' `page_…` tokens look. */
export const encodeCursor = (day: string) => `page_${Buffer.from(`${day}T00:00:00Z`).toString("base64")}`;
export function decodeCursor(cursor: string): string | null {
  if (!cursor.startsWith("page_")) return null;
  const text = Buffer.from(cursor.slice(5), "base64").toString("utf8");
  return /^\d{4}-\d{2}-\d{2}T00:00:00Z$/.test(text) ? text.slice(0, 10) : null;
}
