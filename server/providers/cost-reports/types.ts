/** One UTC day of a provider's own cost figure, in exact picodollars. */
export interface CostDay {
  /** YYYY-MM-DD (UTC) */
  day: string;
  picos: bigint;
  lineItems: number;
}

/** A parsed page of a provider's cost API: its days and the cursor of the next page (null on the last). */
export type CostPage = { ok: true; days: CostDay[]; nextPage: string | null } | { ok: false; error: string };

export const costImportProviders = ["openai", "anthropic"] as const;
export type CostImportProvider = (typeof costImportProviders)[number];
