import { z } from "zod";
import { jsonNumberToPicos } from "./exact-amount";
import type { CostPage } from "./types";

/**
 * OpenAI's Administration API, Costs: `GET /v1/organization/costs` with an admin key (`Authorization: Bearer`),
 * `start_time`/`end_time` (Unix seconds, end exclusive), `bucket_width=1d` (the only width), `group_by` (`project_id`,
 * `line_item`), `limit` (1–180 buckets, default 7) and `page` (the previous answer's `next_page`). The answer is
 * `{"object":"page","data":[{"object":"bucket","start_time","end_time","results":[{"object":"organization.costs.result",
 * "amount":{"value":0.06,"currency":"usd"},"line_item","project_id"}]}],"has_more","next_page"}`: value in dollars.
 * Reference: https://platform.openai.com/docs/api-reference/usage/costs (and the OpenAPI document's `/organization/costs`).
 */
const resultSchema = z.object({
  amount: z.object({ value: z.number(), currency: z.string() }).nullish(),
  line_item: z.string().nullish(),
  project_id: z.string().nullish(),
});
const pageSchema = z.object({
  data: z.array(z.object({ start_time: z.number().int(), end_time: z.number().int(), results: z.array(resultSchema) })),
  has_more: z.boolean(),
  next_page: z.string().nullish(),
});

export const OPENAI_COSTS_SOURCE = "openai_costs_api";

export function openAICostsUrl(baseUrl: string, range: { from: Date; to: Date }, limit: number, page?: string): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}/organization/costs`);
  url.searchParams.set("start_time", String(Math.floor(range.from.getTime() / 1000)));
  url.searchParams.set("end_time", String(Math.floor(range.to.getTime() / 1000)));
  url.searchParams.set("bucket_width", "1d");
  url.searchParams.append("group_by", "line_item");
  url.searchParams.set("limit", String(limit));
  if (page) url.searchParams.set("page", page);
  return url.toString();
}

export function openAICostsHeaders(adminKey: string): Record<string, string> {
  return { authorization: `Bearer ${adminKey}`, accept: "application/json" };
}

/** One page of the answer: each bucket's day (UTC) and its exact dollar sum; a non-USD amount refuses the page. */
export function parseOpenAICostsPage(body: unknown): CostPage {
  const parsed = pageSchema.safeParse(body);
  if (!parsed.success) return { ok: false, error: "OpenAI's costs answer did not have the documented shape." };
  const days: CostPage & { ok: true } = { ok: true, days: [], nextPage: parsed.data.has_more ? (parsed.data.next_page ?? null) : null };
  for (const bucket of parsed.data.data) {
    if (bucket.end_time - bucket.start_time !== 86_400 || bucket.start_time % 86_400 !== 0) return { ok: false, error: "OpenAI's costs answer had a bucket that is not one UTC day." };
    let picos = 0n;
    for (const result of bucket.results) {
      if (!result.amount) continue;
      if (result.amount.currency.toLowerCase() !== "usd") return { ok: false, error: `OpenAI reported an amount in ${result.amount.currency.toUpperCase()}; only USD figures are compared with the gateway's cost.` };
      const amount = jsonNumberToPicos(result.amount.value);
      if (amount === null) return { ok: false, error: "OpenAI's costs answer had an amount that is not a number." };
      picos += amount;
    }
    days.days.push({ day: new Date(bucket.start_time * 1000).toISOString().slice(0, 10), picos, lineItems: bucket.results.length });
  }
  if (parsed.data.has_more && !parsed.data.next_page) return { ok: false, error: "OpenAI's costs answer said has_more without a next_page." };
  return days;
}
