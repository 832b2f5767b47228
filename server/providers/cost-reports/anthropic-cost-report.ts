import { z } from "zod";
import { decimalTextToPicos } from "./exact-amount";
import type { CostPage } from "./types";

/**
 * Anthropic's Admin API, Cost Report: `GET /v1/organizations/cost_report` with an admin key (`x-api-key:
 * sk-ant-admin…`) and `anthropic-version: 2023-06-01`; `starting_at` (RFC 3339, buckets snapped to UTC days),
 * `ending_at` (buckets that end before it), `bucket_width=1d`, `group_by[]` (`workspace_id`, `description`), `limit`
 * (1–31 buckets, default 7) and `page` (the previous answer's `next_page`). The answer is `{"data":[{"starting_at",
 * "ending_at","results":[{"amount":"123.45","currency":"USD","cost_type","description","model",…}]}],"has_more",
 * "next_page"}`, where `amount` is a decimal string in the currency's lowest unit: cents ("123.45" USD is $1.2345).
 * References: https://platform.claude.com/docs/en/api/admin-api/usage-cost/get-cost-report and
 * https://platform.claude.com/docs/en/api/admin/cost_report (the usage and cost API guide, docs.anthropic.com/en/api/usage-cost-api).
 */
const resultSchema = z.object({ amount: z.string(), currency: z.string(), description: z.string().nullish() });
const pageSchema = z.object({
  data: z.array(z.object({ starting_at: z.string(), ending_at: z.string(), results: z.array(resultSchema) })),
  has_more: z.boolean(),
  next_page: z.string().nullish(),
});

export const ANTHROPIC_COST_SOURCE = "anthropic_cost_report";
export const ANTHROPIC_VERSION = "2023-06-01";

export function anthropicCostReportUrl(baseUrl: string, range: { from: Date; to: Date }, limit: number, page?: string): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}/organizations/cost_report`);
  url.searchParams.set("starting_at", range.from.toISOString());
  url.searchParams.set("ending_at", range.to.toISOString());
  url.searchParams.set("bucket_width", "1d");
  url.searchParams.append("group_by[]", "description");
  url.searchParams.set("limit", String(limit));
  if (page) url.searchParams.set("page", page);
  return url.toString();
}

export function anthropicCostReportHeaders(adminKey: string): Record<string, string> {
  return { "x-api-key": adminKey, "anthropic-version": ANTHROPIC_VERSION, accept: "application/json" };
}

/** One page: each bucket's UTC day and its exact sum, cents converted to dollars; a non-USD amount refuses the page. */
export function parseAnthropicCostPage(body: unknown): CostPage {
  const parsed = pageSchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: "Anthropic's cost report did not have the documented shape." };
  const page: CostPage & { ok: true } = { ok: true, days: [], nextPage: parsed.data.has_more ? (parsed.data.next_page ?? null) : null };
  for (const bucket of parsed.data.data) {
    const start = new Date(bucket.starting_at);
    const end = new Date(bucket.ending_at);
    if (Number.isNaN(start.getTime()) || end.getTime() - start.getTime() !== 86_400_000 || start.getTime() % 86_400_000 !== 0) {
      return { ok: false, error: "Anthropic's cost report had a bucket that is not one UTC day." };
    }
    let picos = 0n;
    for (const result of bucket.results) {
      if (result.currency.toUpperCase() !== "USD") return { ok: false, error: `Anthropic reported an amount in ${result.currency.toUpperCase()}; only USD figures are compared with the gateway's cost.` };
      const amount = decimalTextToPicos(result.amount, 2);
      if (amount === null) return { ok: false, error: "Anthropic's cost report had an amount that is not a decimal." };
      picos += amount;
    }
    page.days.push({ day: start.toISOString().slice(0, 10), picos, lineItems: bucket.results.length });
  }
  if (parsed.data.has_more && !parsed.data.next_page) return { ok: false, error: "Anthropic's cost report said has_more without a next_page." };
  return page;
}
